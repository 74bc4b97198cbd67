"""Cross-client check with boto3: Automation runbooks (YAML, created with boto3), an execution that
waits for approval and is approved with send_automation_signal, the executions paginator, step
executions, and the errors as boto3 exceptions (no instances needed).

Usage: python3 boto3_automation.py ENDPOINT. Prints one JSON object with what it saw.
"""
import json
import sys
import time

import boto3

endpoint = sys.argv[1]
ssm = boto3.client(
    "ssm",
    endpoint_url=endpoint,
    region_name="eu-west-2",
    aws_access_key_id="AKIDBOTO3",
    aws_secret_access_key="secret",
)
out = {}
ssm.create_document(
    Name="Boto3-Approve",
    DocumentType="Automation",
    DocumentFormat="YAML",
    Content="""schemaVersion: '0.3'
parameters:
  Greeting:
    type: String
    default: hello
mainSteps:
  - name: approve
    action: aws:approve
    inputs:
      Approvers: ['arn:aws:iam::000000000000:user/ssm-local']
      Message: 'May I say {{ Greeting }}?'
  - name: done
    action: aws:sleep
    inputs:
      Duration: PT0S
outputs:
  - approve.ApprovalStatus
""",
)


def wait(execution_id, statuses):
    for _ in range(200):
        e = ssm.get_automation_execution(AutomationExecutionId=execution_id)["AutomationExecution"]
        if e["AutomationExecutionStatus"] in statuses:
            return e
        time.sleep(0.05)
    raise RuntimeError(f"{execution_id} stayed {e['AutomationExecutionStatus']}")


started = ssm.start_automation_execution(DocumentName="Boto3-Approve", Parameters={"Greeting": ["hi"]})
execution_id = started["AutomationExecutionId"]
out["waiting"] = wait(execution_id, ["Waiting"])["AutomationExecutionStatus"]
ssm.send_automation_signal(
    AutomationExecutionId=execution_id, SignalType="Approve", Payload={"Comment": ["fine"]}
)
done = wait(execution_id, ["Success", "Failed", "Cancelled", "TimedOut"])
out["status"] = done["AutomationExecutionStatus"]
out["outputs"] = done.get("Outputs")
steps = ssm.describe_automation_step_executions(AutomationExecutionId=execution_id)["StepExecutions"]
out["steps"] = [[s["StepName"], s["StepStatus"]] for s in steps]

for _ in range(7):
    ssm.start_automation_execution(DocumentName="Boto3-Approve")
listed = []
for page in ssm.get_paginator("describe_automation_executions").paginate(
    Filters=[{"Key": "DocumentNamePrefix", "Values": ["Boto3-"]}], PaginationConfig={"PageSize": 3}
):
    listed.extend(e["AutomationExecutionId"] for e in page["AutomationExecutionMetadataList"])
out["listed"] = len(listed)
for execution in listed:
    if execution != execution_id:
        ssm.stop_automation_execution(AutomationExecutionId=execution, Type="Cancel")

try:
    ssm.start_automation_execution(DocumentName="Boto3-Missing")
    out["missing"] = "no error"
except ssm.exceptions.AutomationDefinitionNotFoundException as error:
    out["missing"] = error.response["Error"]["Code"]
try:
    ssm.start_automation_execution(DocumentName="Boto3-Approve", Parameters={"Nope": ["x"]})
    out["badParameter"] = "no error"
except ssm.exceptions.InvalidAutomationExecutionParametersException as error:
    out["badParameter"] = error.response["Error"]["Code"]
try:
    ssm.get_automation_execution(AutomationExecutionId="00000000-0000-0000-0000-000000000000")
    out["unknown"] = "no error"
except ssm.exceptions.AutomationExecutionNotFoundException as error:
    out["unknown"] = error.response["Error"]["Code"]
print(json.dumps(out))
