# Shared set-up for run-demo.sh and run-tests.sh: apt packages (when missing) and .venv.
# Sourced, not run. Works as root (CI, containers) or as a user with sudo.

set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${MASH_DESK_VENV:-$REPO/.venv}"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Need root (or sudo) to install: $*" >&2; return 1; fi
}

# apt_need PKG...: install the Debian/Ubuntu packages that are not installed yet.
apt_need() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing system packages: ${missing[*]}" >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# Qt (even offscreen) loads these shared libraries; python3-venv is missing on stock Ubuntu.
QT_RUNTIME=(libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0)
# ...and on a real X display, its xcb platform plugin needs these.
QT_XCB=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1)

# Printing (issue 6): CUPS's lp/lpstat, the cups-pdf virtual printer the printing tests
# print to (their own cupsd). The preview needs no system program (PDFium, in-process).
PRINTING=(cups printer-driver-cups-pdf)

# Screen-reader tests (tests/atspi): the accessibility bus and registry, and pyatspi for the
# system Python that reads the desk over it.
ATSPI=(at-spi2-core python3-pyatspi)

make_venv() {
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV" 2>/dev/null || { apt_need python3-venv; python3 -m venv "$VENV"; }
  fi
  "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
  "$VENV/bin/python" -m pip install -q "$@"
}
