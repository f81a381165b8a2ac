#!/usr/bin/env bash
# Set up MASH Desk's test environment and run the whole suite: lint, then pytest on SQLite
# and on a throwaway PostgreSQL server that the test session starts and stops itself.
source "$(dirname "$0")/_bootstrap.sh"
# openssl makes the test session's throwaway CA and server certificate (tests/support/tls.py).
command -v dpkg-query >/dev/null && apt_need python3-venv postgresql openssl "${QT_RUNTIME[@]}" \
  xvfb xauth "${QT_XCB[@]}" "${PRINTING[@]}" "${ATSPI[@]}"
make_venv -e "$REPO[test]"
cd "$REPO"
echo "== ruff" >&2
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
echo "== mypy" >&2
"$VENV/bin/mypy" mash_desk benchmarks
echo "== pytest" >&2
"$VENV/bin/python" -m pytest "$@"
# The connection-profile test once more, against a real Secret Service (gnome-keyring under
# its own D-Bus session), as the desktop would use it.
echo "== smoke test under Xvfb (screenshots in artifacts/screenshots/)" >&2
QT_QPA_PLATFORM=xcb MASH_DESK_XVFB=1 xvfb-run -a -s "-screen 0 1920x1080x24" \
  "$VENV/bin/python" -m pytest tests/smoke -q -m xvfb -p no:cacheprovider
echo "== screen reader over the accessibility bus (AT-SPI, under Xvfb)" >&2
bash "$REPO/scripts/atspi-tests.sh"
echo "== keyring (Secret Service)" >&2
bash "$REPO/scripts/secret-service-tests.sh"
# The README's shared-server demo: a throwaway cluster, `server init`, a login per person,
# and both desks (practitioner and police rep) reaching their work through row security.
echo "== shared-server demo (two desks, each with its own login)" >&2
bash "$REPO/scripts/run-server-demo.sh" --smoke-test
