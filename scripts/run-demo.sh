#!/usr/bin/env bash
# Set up MASH Desk and open the DEMO desk on the embedded SQLite database.
source "$(dirname "$0")/_bootstrap.sh"
# A real X display also needs Qt's xcb platform libraries (platform.md, "Qt without a display").
command -v dpkg-query >/dev/null && apt_need python3-venv "${QT_RUNTIME[@]}" "${QT_XCB[@]}"
make_venv "$REPO"
exec "$VENV/bin/mash-desk" --demo "$@"
