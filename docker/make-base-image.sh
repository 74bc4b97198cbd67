#!/usr/bin/env bash
# Makes the base image debian:bookworm-slim locally when no registry can be reached, so that
# docker/linux/Dockerfile builds everywhere: tries `docker pull` first; when that fails, builds a
# minimal Debian root file system with debootstrap (from Debian's mirror), imports it with
# `docker import` and tags it with the same name. Idempotent: does nothing when the image exists.
#
# Usage: docker/make-base-image.sh [image] (default debian:bookworm-slim). Needs root for debootstrap
# (installs the debootstrap package with apt-get when missing). Environment:
#   DEBIAN_MIRROR   the mirror to bootstrap from (default http://deb.debian.org/debian)
set -euo pipefail

IMAGE="${1:-debian:bookworm-slim}"
SUITE="${SUITE:-bookworm}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

log() { echo "make-base-image: $*" >&2; }

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  log "$IMAGE is present; nothing to do"
  exit 0
fi

log "pulling $IMAGE"
if timeout "${PULL_TIMEOUT:-120}" docker pull "$IMAGE" >&2; then
  exit 0
fi
log "pull failed (no registry reachable?); building $IMAGE locally with debootstrap from $MIRROR"

if ! command -v debootstrap >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    log "debootstrap is missing and this is not root; install it (apt-get install debootstrap) and retry"
    exit 1
  fi
  apt-get update >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap >&2
fi
if [ "$(id -u)" -ne 0 ]; then
  log "debootstrap needs root; run this script as root"
  exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/var/tmp}/ssm-local-rootfs.XXXXXX")"
cleanup() { rm -rf --one-file-system "$WORK"; }
trap cleanup EXIT

ROOTFS="$WORK/rootfs"
debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$MIRROR" >&2
# What the official slim image has and debootstrap leaves out or leaves behind.
echo "deb $MIRROR $SUITE main" >"$ROOTFS/etc/apt/sources.list"
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/tmp/*

tar -C "$ROOTFS" --numeric-owner -c . | docker import \
  --change 'CMD ["bash"]' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  - "$IMAGE" >&2
log "made $IMAGE"
