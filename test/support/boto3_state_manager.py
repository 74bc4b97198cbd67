"""Cross-client check with boto3: State Manager associations with the paginator, errors, and the
inventory and compliance reads (no instances needed).

Usage: python3 boto3_state_manager.py ENDPOINT. Prints one JSON object with what it saw.
"""
import json
import sys

import boto3

endpoint = sys.argv[1]
ssm = boto3.client(
    "ssm",
    endpoint_url=endpoint,
    region_name="eu-west-1",
    aws_access_key_id="AKIDBOTO3",
    aws_secret_access_key="secret",
)
out = {}
ids = []
for i in range(12):
    created = ssm.create_association(
        Name="AWS-RunShellScript",
        Targets=[{"Key": "tag:Role", "Values": [f"boto3-nobody-{i}"]}],
        Parameters={"commands": ["echo boto3"]},
        ScheduleExpression="rate(1 day)",
    )
    ids.append(created["AssociationDescription"]["AssociationId"])
out["created"] = len(ids)
listed = []
for page in ssm.get_paginator("list_associations").paginate(PaginationConfig={"PageSize": 5}):
    listed.extend(a["AssociationId"] for a in page["Associations"])
out["listed"] = len([i for i in listed if i in ids])
ssm.update_association(
    AssociationId=ids[0], Parameters={"commands": ["echo boto3"]}, ScheduleExpression="rate(2 days)"
)
versions = ssm.list_association_versions(AssociationId=ids[0])["AssociationVersions"]
out["versions"] = sorted(v["AssociationVersion"] for v in versions)
try:
    ssm.describe_association(AssociationId="00000000-0000-0000-0000-000000000000")
    out["missing"] = "no error"
except ssm.exceptions.AssociationDoesNotExist as error:
    out["missing"] = error.response["Error"]["Code"]
try:
    ssm.create_association(
        Name="AWS-RunShellScript",
        Targets=[{"Key": "tag:Role", "Values": ["x"]}],
        Parameters={"commands": ["echo"]},
        ScheduleExpression="rate(1 second)",
    )
    out["badSchedule"] = "no error"
except ssm.exceptions.InvalidSchedule as error:
    out["badSchedule"] = error.response["Error"]["Code"]
out["schemaTypes"] = [s["TypeName"] for s in ssm.get_inventory_schema()["Schemas"]]
out["complianceSummaries"] = [
    s for s in ssm.list_compliance_summaries()["ComplianceSummaryItems"] if s["ComplianceType"] != "FleetTotal"
]
default = ssm.get_default_patch_baseline(OperatingSystem="DEBIAN")
out["debianDefault"] = default["BaselineId"]
own = ssm.create_patch_baseline(
    Name="boto3-debian",
    OperatingSystem="DEBIAN",
    ApprovalRules={
        "PatchRules": [
            {
                "PatchFilterGroup": {"PatchFilters": [{"Key": "PRIORITY", "Values": ["Required", "Important"]}]},
                "ApproveAfterDays": 0,
            }
        ]
    },
)["BaselineId"]
ssm.register_patch_baseline_for_patch_group(BaselineId=own, PatchGroup="boto3-group")
groups = []
for page in ssm.get_paginator("describe_patch_groups").paginate():
    groups.extend(g["PatchGroup"] for g in page["Mappings"])
out["patchGroups"] = groups
try:
    ssm.delete_patch_baseline(BaselineId=own)
    out["deleteInUse"] = "no error"
except ssm.exceptions.ResourceInUseException as error:
    out["deleteInUse"] = error.response["Error"]["Code"]
ssm.deregister_patch_baseline_for_patch_group(BaselineId=own, PatchGroup="boto3-group")
ssm.delete_patch_baseline(BaselineId=own)
for association_id in ids:
    ssm.delete_association(AssociationId=association_id)
print(json.dumps(out, default=str))
