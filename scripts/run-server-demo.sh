#!/usr/bin/env bash
# The shared-server demo: a throwaway local PostgreSQL cluster, `server init`, the demo users
# as server logins, the demo history, and two desks side by side (practitioner left, police
# rep right), each signed in with its own login. Closing both windows stops the server and
# deletes its files. --smoke-test opens both desks offscreen, checks each reaches its queue
# and exits 0. No TLS: the cluster listens on 127.0.0.1 only (see README, "Run a shared server").
source "$(dirname "$0")/_bootstrap.sh"
SMOKE=0
[[ " $* " == *" --smoke-test "* ]] && SMOKE=1
if command -v dpkg-query >/dev/null; then
  apt_need python3-venv "${QT_RUNTIME[@]}"
  # Any installed server version will do (initdb of the newest is used).
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || apt_need postgresql
  # Offscreen (--smoke-test) Qt needs no X libraries.
  [ "$SMOKE" = 1 ] || apt_need "${QT_XCB[@]}"
fi
# Editable, like the test scripts: one .venv always runs this checkout's code (a copy
# installed here would shadow the tests' editable install and go stale).
make_venv -e "$REPO"
[ "$SMOKE" = 1 ] && export QT_QPA_PLATFORM=offscreen

ROOT="$(mktemp -d -t mash-desk-server-demo-XXXXXX)"
# Backstop for the Python helper's own clean-up (killed, or the terminal closed).
stop_cluster() {
  local pg_ctl
  pg_ctl="$(ls -d /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -1)"
  if [ -f "$ROOT/data/postmaster.pid" ] && [ -n "$pg_ctl" ]; then
    if [ "$(id -u)" = 0 ]; then
      runuser -u postgres -- "$pg_ctl" -D "$ROOT/data" -m immediate stop >/dev/null 2>&1 || true
    else
      "$pg_ctl" -D "$ROOT/data" -m immediate stop >/dev/null 2>&1 || true
    fi
  fi
  rm -rf "$ROOT"
}
trap stop_cluster EXIT
trap 'exit 130' INT TERM
"$VENV/bin/python" "$REPO/scripts/server_demo.py" --root "$ROOT" "$@"
