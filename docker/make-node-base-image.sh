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
cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM debian:bookworm-slim
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
DOCKERFILE
docker build -q -t "$image" "$ctx" >/dev/null
echo "made $image locally"
