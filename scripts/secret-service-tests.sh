#!/usr/bin/env bash
# Run the profile-password tests against a real Secret Service, as CI does: gnome-keyring on a
# private D-Bus session with a throwaway, unlocked keyring (platform.md, "keyring on Linux").
# Installs gnome-keyring and dbus when missing (sudo if not root). Never keyrings.alt: that
# would make a plaintext file the default backend.
source "$(dirname "$0")/_bootstrap.sh"
apt_need gnome-keyring dbus
# dbus-run-session lives in dbus-daemon on Debian 12; older releases ship it in dbus-x11.
command -v dbus-run-session >/dev/null || apt_need dbus-x11
[ -x "$VENV/bin/python" ] || make_venv -e "$REPO[test]"
cd "$REPO"

# A keyring of its own in fresh folders: the tests never see the keyring of whoever runs them.
XDG_DATA_HOME="$(mktemp -d)"
XDG_RUNTIME_DIR="$(mktemp -d)"
trap 'rm -rf "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"' EXIT
export XDG_DATA_HOME XDG_RUNTIME_DIR VENV
# Unset so the default backend is detected (it must be SecretService, the test checks).
unset PYTHON_KEYRING_BACKEND

# The lock test makes gnome-keyring ask its prompter, which has no display and says so on
# stderr ("cannot open display"): that refusal is the locked keyring the test expects.
dbus-run-session -- bash -c '
  echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  MASH_DESK_SECRET_SERVICE=1 "$VENV/bin/python" -m pytest tests/secret_service -q -m secret_service "$@"
' bash "$@"
