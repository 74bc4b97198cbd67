#!/usr/bin/env bash
# Builds the emulator's own image (Dockerfile) and smoke-tests it: health, a parameter round trip
# with the AWS CLI, and one SendCommand on a one-instance fleet managed through the host's socket.
set -euo pipefail
cd "$(dirname "$0")/../.."
port=${SMOKE_PORT:-14583}
name=ssm-local-image-smoke
fleet=image-smoke
aws_cli=$(command -v /usr/bin/aws || command -v aws)
export AWS_ACCESS_KEY_ID=AKIDSMOKE AWS_SECRET_ACCESS_KEY=secret AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=
aws() { "$aws_cli" --endpoint-url "http://127.0.0.1:$port" --output json "$@"; }
say() { echo "image-smoke: $*"; }

work=$(mktemp -d)
cleanup() {
  docker logs "$name" > "$work/emulator.log" 2>&1 || true
  docker rm -f "$name" >/dev/null 2>&1 || true
  ids=$(docker ps -aq --filter "label=ssm-local.fleet=$fleet")
  [ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  say "FAILED: $*"
  docker logs "$name" 2>&1 | tail -40 || true
  exit 1
}

bash docker/make-node-base-image.sh
say "building the emulator image"
docker build -q -t ssm-local:ci . >/dev/null

cat > "$work/fleet.json" <<JSON
{ "fleet": "$fleet", "instances": [ { "name": "smoke-1", "image": "linux", "platform": "Linux", "tags": { "Role": "smoke" } } ] }
JSON
chmod 644 "$work/fleet.json"
docker rm -f "$name" >/dev/null 2>&1 || true
docker run -d --name "$name" -p "127.0.0.1:$port:4583" \
  -v /var/run/docker.sock:/var/run/docker.sock \
  -v "$work/fleet.json:/fleet/fleet.json:ro" -e SSM_LOCAL_FLEET=/fleet/fleet.json \
  ssm-local:ci >/dev/null

for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$port/_ssm-local/health" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "http://127.0.0.1:$port/_ssm-local/health" || fail "health did not answer"
echo
say "the emulator runs as: $(docker exec "$name" stat -c %U /proc/1 2>/dev/null || echo '?')"

aws ssm put-parameter --name /smoke/p --value smoked --type String >/dev/null
value=$(aws ssm get-parameter --name /smoke/p --query Parameter.Value --output text)
[ "$value" = smoked ] || fail "parameter round trip gave '$value'"
say "parameter round trip ok"

instance=""
for _ in $(seq 1 300); do
  # As on AWS, a tag filter cannot be mixed with other filters: PingStatus is checked in the query.
  instance=$(aws ssm describe-instance-information --filters Key=tag:Role,Values=smoke \
    --query 'InstanceInformationList[?PingStatus==`Online`] | [0].InstanceId' --output text 2>/dev/null || true)
  [ -n "$instance" ] && [ "$instance" != None ] && break
  sleep 2
done
[ -n "$instance" ] && [ "$instance" != None ] || fail "the fleet's instance never came online"
say "instance $instance online"

command_id=$(aws ssm send-command --document-name AWS-RunShellScript --instance-ids "$instance" \
  --parameters 'commands=["echo smoke from $(hostname)"]' --query Command.CommandId --output text)
aws ssm wait command-executed --command-id "$command_id" --instance-id "$instance"
out=$(aws ssm get-command-invocation --command-id "$command_id" --instance-id "$instance" \
  --query StandardOutputContent --output text)
case "$out" in "smoke from "*) ;; *) fail "SendCommand printed '$out'" ;; esac
say "SendCommand ok: $out"
say "passed"
