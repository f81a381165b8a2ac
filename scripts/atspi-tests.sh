#!/usr/bin/env bash
# Read every main screen as a screen reader does, over the real Linux accessibility bus
# (AT-SPI): the desk runs under Xvfb with Qt's AT-SPI bridge on, on a private D-Bus session
# where at-spi2-core's bus launcher and registry start on demand, and tests/atspi/reader.py
# reads it with pyatspi under the system Python (python3-pyatspi is a Debian package, built
# for /usr/bin/python3, and not on PyPI). Installs what is missing (sudo if not root).
source "$(dirname "$0")/_bootstrap.sh"
apt_need "${QT_RUNTIME[@]}" xvfb xauth "${QT_XCB[@]}" "${ATSPI[@]}"
# dbus-run-session lives in dbus-daemon on Debian 12; older releases ship it in dbus-x11.
command -v dbus-run-session >/dev/null || apt_need dbus-x11
[ -x "$VENV/bin/python" ] || make_venv -e "$REPO[test]"
cd "$REPO"

# The reader's own session folders: never the accessibility bus of whoever runs the tests.
XDG_RUNTIME_DIR="$(mktemp -d)"
trap 'rm -rf "$XDG_RUNTIME_DIR"' EXIT
export XDG_RUNTIME_DIR
# ALWAYS_ON: Qt otherwise joins the bus only when the desktop says a screen reader runs.
export QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1 QT_QPA_PLATFORM=xcb MASH_DESK_ATSPI=1
export MASH_DESK_ATSPI_PYTHON=/usr/bin/python3
# The session bus prints harmless start-up noise (fd limits, service activation) on stderr.
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" \
  "$VENV/bin/python" -m pytest tests/atspi -q -m atspi -p no:cacheprovider "$@"
