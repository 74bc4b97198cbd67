"""Cross-client check with boto3: put, get, by-path with the paginator, secure string.

Usage: python3 boto3_smoke.py ENDPOINT PREFIX. Prints one JSON object with what it saw.
"""
import json
import sys

import boto3

endpoint, prefix = sys.argv[1], sys.argv[2]
ssm = boto3.client(
    "ssm",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="AKIDBOTO3",
    aws_secret_access_key="secret",
)
out = {}
out["put"] = ssm.put_parameter(Name=f"{prefix}/plain", Value="from boto3", Type="String")
out["get"] = ssm.get_parameter(Name=f"{prefix}/plain")["Parameter"]["Value"]
for i in range(23):
    ssm.put_parameter(Name=f"{prefix}/many/p{i:02d}", Value=str(i), Type="String")
names = []
for page in ssm.get_paginator("get_parameters_by_path").paginate(Path=f"{prefix}/many", PaginationConfig={"PageSize": 5}):
    names.extend(p["Name"] for p in page["Parameters"])
out["byPath"] = sorted(names)
ssm.put_parameter(Name=f"{prefix}/secret", Value="s3cr3t", Type="SecureString")
out["secretEncrypted"] = ssm.get_parameter(Name=f"{prefix}/secret")["Parameter"]["Value"]
out["secretDecrypted"] = ssm.get_parameter(Name=f"{prefix}/secret", WithDecryption=True)["Parameter"]["Value"]
try:
    ssm.get_parameter(Name=f"{prefix}/missing")
    out["missing"] = "no error"
except ssm.exceptions.ParameterNotFound as error:
    out["missing"] = error.response["Error"]["Code"]
print(json.dumps(out, default=str))
