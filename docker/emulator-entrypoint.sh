#!/bin/sh
# Entrypoint of the emulator's own image: drop to the non-root user `ssm`, giving it the group that
# owns the mounted Docker socket so it can manage the fleet. Stays root only when the socket is
# owned by root's group (gid 0), where a non-root user could not reach it.
set -eu
socket=/var/run/docker.sock
if [ "$(id -u)" = 0 ]; then
  chown -R ssm /data 2>/dev/null || true
  if [ -S "$socket" ]; then
    gid=$(stat -c %g "$socket")
    if [ "$gid" = 0 ]; then
      exec "$@"
    fi
    exec setpriv --reuid=ssm --regid=ssm --groups="$gid" --inh-caps=-all -- "$@"
  fi
  exec setpriv --reuid=ssm --regid=ssm --clear-groups --inh-caps=-all -- "$@"
fi
exec "$@"
