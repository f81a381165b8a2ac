#!/usr/bin/env bash
# Set up MASH Desk and open the DEMO desk on the embedded SQLite database.
source "$(dirname "$0")/_bootstrap.sh"
# A real X display also needs Qt's xcb platform libraries (platform.md, "Qt without a display").
command -v dpkg-query >/dev/null && apt_need python3-venv "${QT_RUNTIME[@]}" "${QT_XCB[@]}"
# Editable, like the test scripts: one .venv always runs this checkout's code (a copy
# installed here would shadow the tests' editable install and go stale).
make_venv -e "$REPO"
exec "$VENV/bin/mash-desk" --demo "$@"
