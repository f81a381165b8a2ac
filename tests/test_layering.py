"""Only the GUI imports Qt: domain, storage, services and reporting must load without it."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import mash_desk

NON_GUI = (
    "mash_desk.domain",
    "mash_desk.storage",
    "mash_desk.services",
    "mash_desk.reporting",
    "mash_desk.documents",
    "mash_desk.printing",
    "mash_desk.returns",
    "mash_desk.synthetic",
    "mash_desk.profiles",
    "mash_desk.paths",
)


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(mash_desk.__path__, "mash_desk."):
        if info.name.startswith(NON_GUI):
            names.append(info.name)
    return names


def test_there_are_non_gui_modules_to_check():
    names = _modules()
    assert any(n.startswith("mash_desk.services.") for n in names)
    assert any(n.startswith("mash_desk.domain.") for n in names)


def test_non_gui_layers_import_without_qt():
    # Make every PySide6 import fail, then import each non-GUI module in a fresh interpreter.
    script = (
        "import sys, importlib\n"
        "sys.modules['PySide6'] = None\n"
        f"for name in {_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = [m for m in sys.modules if m.startswith('PySide6') and sys.modules[m]]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_domain_imports_no_sqlalchemy():
    domain = [n for n in _modules() if n.startswith("mash_desk.domain")]
    script = (
        "import sys, importlib\n"
        "sys.modules['sqlalchemy'] = None\n"
        f"for name in {domain!r}:\n"
        "    importlib.import_module(name)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
