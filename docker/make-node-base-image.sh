#!/usr/bin/env bash
# Makes node:20-bookworm-slim (the emulator image's base) when it cannot be pulled: debian's
# bookworm-slim (made by make-base-image.sh when needed) plus this machine's own Node 20 and npm.
# Does nothing when the image is already there or can be pulled.
set -euo pipefail
image=node:20-bookworm-slim
docker image inspect "$image" >/dev/null 2>&1 && exit 0
docker pull -q "$image" >/dev/null 2>&1 && exit 0
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/make-base-image.sh"
node_bin=$(readlink -f "$(command -v node)")
case "$("$node_bin" --version)" in v20.*) ;; *) echo "make-node-base-image: need Node 20 on this machine" >&2; exit 1 ;; esac
npm_dir=$(npm root -g)/npm
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
cp "$node_bin" "$ctx/node"
cp -r "$npm_dir" "$ctx/npm"
# A machine whose registry traffic passes a TLS-inspecting proxy trusts an extra CA; the image made
# here for this machine trusts the same bundle, so `npm ci` inside builds works as it does outside.
ca_file=$(npm config get cafile 2>/dev/null || true)
[ -n "$ca_file" ] && [ "$ca_file" != null ] && [ -f "$ca_file" ] || ca_file=${NODE_EXTRA_CA_CERTS:-}
if [ -n "$ca_file" ] && [ -f "$ca_file" ]; then cp "$ca_file" "$ctx/ca.crt"; else : > "$ctx/ca.crt"; fi
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM debian:bookworm-slim
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY ca.crt /usr/local/share/ssm-local-ca.crt
RUN if [ -s /usr/local/share/ssm-local-ca.crt ]; then \
      printf 'cafile=/usr/local/share/ssm-local-ca.crt\n' > /usr/local/etc/npmrc; \
    else rm /usr/local/share/ssm-local-ca.crt; fi
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ssm-local-ca.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
DOCKERFILE
docker build -q -t "$image" "$ctx" >/dev/null
echo "made $image locally"
