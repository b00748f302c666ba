#!/bin/bash
# Runs under `unshare --mount --propagation private`: gives a private journald and a private
# `systemd --user`, writes their PIDs and env to $1/ready, then waits until SIGTERM, when it
# stops both by PID. Test commands enter this namespace with `nsenter --mount --target <pid>`.
set -euo pipefail
state="$1"
# A /run of our own, with every entry of the host's bound into it: what systemd creates at the
# top of /run (as root it makes /run/credentials for LoadCredential=) then stays in this
# namespace. An empty /run/credentials left on the host made every hardened unit started later
# without credentials fail at NAMESPACE ("Failed to mount /run/systemd/inaccessible/dir to
# /run/systemd/unit-root/run/credentials"), seen here with systemd 252.
mkdir -p "$state/host-run"
mount --bind /run "$state/host-run"
mount -t tmpfs -o mode=755 tmpfs /run
for e in "$state"/host-run/* "$state"/host-run/.[!.]*; do
  [ -e "$e" ] || [ -L "$e" ] || continue
  n=${e##*/}
  if [ -L "$e" ]; then cp -P "$e" "/run/$n"
  elif [ -d "$e" ]; then mkdir "/run/$n" && mount --rbind "$e" "/run/$n"
  else touch "/run/$n" && mount --bind "$e" "/run/$n"; fi
done
for d in /run/systemd/system /run/systemd/journal /run/log /var/log/journal; do
  mkdir -p "$d"
  mount -t tmpfs -o mode=755 tmpfs "$d"
done
/lib/systemd/systemd-journald &
jpid=$!
for _ in $(seq 100); do [ -S /run/systemd/journal/socket ] && break; sleep 0.05; done
[ -S /run/systemd/journal/socket ] || { echo "journald did not create its socket" >&2; exit 1; }
export XDG_RUNTIME_DIR="$state/runtime" XDG_CONFIG_HOME="$state/config"
mkdir -p "$XDG_RUNTIME_DIR" "$XDG_CONFIG_HOME/systemd/user"
# A shared tmpfs, as /run/user/<uid> is on a real host: systemd mounts each unit's LoadCredential=
# files under $XDG_RUNTIME_DIR/credentials/ from a child namespace, which stays empty on a disk
# file system or a private mount (both seen here).
mount -t tmpfs -o mode=700 tmpfs "$XDG_RUNTIME_DIR"
mount --make-shared "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
/lib/systemd/systemd --user --log-target=journal --log-level=info </dev/null >"$state/systemd.log" 2>&1 &
spid=$!
stop() {
  kill -TERM "$spid" 2>/dev/null || true
  for _ in $(seq 600); do kill -0 "$spid" 2>/dev/null || break; sleep 0.05; done
  kill -KILL "$spid" 2>/dev/null || true
  kill -TERM "$jpid" 2>/dev/null || true
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
  exit 0
}
trap stop TERM INT
ok=""
for _ in $(seq 200); do
  s=$(systemctl --user is-system-running 2>/dev/null || true)
  case "$s" in running|degraded) ok=1; break;; esac
  kill -0 "$spid" 2>/dev/null || break
  sleep 0.05
done
[ -n "$ok" ] || { echo "systemd --user did not come up: $(cat "$state/systemd.log")" >&2; kill "$jpid"; exit 1; }
printf 'JOURNALD_PID=%s\nSYSTEMD_PID=%s\nXDG_RUNTIME_DIR=%s\nXDG_CONFIG_HOME=%s\n' "$jpid" "$spid" "$XDG_RUNTIME_DIR" "$XDG_CONFIG_HOME" >"$state/ready.tmp"
mv "$state/ready.tmp" "$state/ready"
while true; do sleep 3600 & wait $! || true; done
