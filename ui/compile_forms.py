"""Compile the Designer forms in ``ui/`` into ``mash_desk/gui/forms/ui_<name>.py``.

Usage (from the repository root)::

    .venv/bin/python ui/compile_forms.py          # (re)compile every ui/*.ui
    .venv/bin/python ui/compile_forms.py --check  # exit 1 if a compiled form is missing or stale

Each generated file starts with ``# source-sha256: <hex>``, the hash of the ``.ui`` bytes it
was compiled from, so ``--check`` (and ``tests/gui/test_forms_compiled.py``) can tell a stale
form without running the compiler, whose output differs between Qt versions.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

UI_DIR = Path(__file__).resolve().parent
FORMS_DIR = UI_DIR.parent / "mash_desk" / "gui" / "forms"
HASH_PREFIX = "# source-sha256: "


def source_hash(ui_file: Path) -> str:
    """Return the SHA-256 of a ``.ui`` file's bytes."""
    return hashlib.sha256(ui_file.read_bytes()).hexdigest()


def target_of(ui_file: Path, forms_dir: Path = FORMS_DIR) -> Path:
    """Return where the compiled form of ``ui_file`` goes."""
    return forms_dir / f"ui_{ui_file.stem}.py"


def recorded_hash(compiled: Path) -> str | None:
    """Return the source hash written on a compiled form's first line, if any."""
    try:
        with compiled.open(encoding="utf-8") as handle:
            first = handle.readline().strip()
    except FileNotFoundError:
        return None
    return first[len(HASH_PREFIX) :] if first.startswith(HASH_PREFIX) else None


def ui_files(ui_dir: Path = UI_DIR) -> list[Path]:
    """Return every Designer source, in a stable order."""
    return sorted(ui_dir.glob("*.ui"))


def problems(ui_dir: Path = UI_DIR, forms_dir: Path = FORMS_DIR) -> list[str]:
    """Return one line per compiled form that is missing or older than its source."""
    found = []
    for ui_file in ui_files(ui_dir):
        compiled = target_of(ui_file, forms_dir)
        recorded = recorded_hash(compiled)
        if not compiled.exists():
            found.append(f"{compiled.name}: missing (compile {ui_file.name})")
        elif recorded != source_hash(ui_file):
            found.append(f"{compiled.name}: stale, {ui_file.name} changed since it was compiled")
    return found


def find_uic() -> str:
    """Return the ``pyside6-uic`` of the running interpreter's environment.

    It is looked up next to ``sys.executable`` first so the venv's PySide6 (the one the
    app imports) compiles the forms even when the venv is not activated.
    """
    here = Path(sys.executable).parent
    for name in ("pyside6-uic", "pyside6-uic.exe"):
        if (here / name).exists():
            return str(here / name)
    found = shutil.which("pyside6-uic")
    if found is None:
        raise SystemExit("pyside6-uic not found: install PySide6 in this environment")
    return found


def compile_one(ui_file: Path, forms_dir: Path = FORMS_DIR, uic: str | None = None) -> Path:
    """Compile one ``.ui`` file; return the path of the generated module."""
    digest = source_hash(ui_file)
    result = subprocess.run(
        [uic or find_uic(), "--generator", "python", str(ui_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"pyside6-uic failed on {ui_file.name}:\n{result.stderr}")
    target = target_of(ui_file, forms_dir)
    forms_dir.mkdir(parents=True, exist_ok=True)
    # Newlines normalised so the committed file is the same on Windows and Linux.
    code = result.stdout.replace("\r\n", "\n")
    target.write_text(f"{HASH_PREFIX}{digest}\n{code}", encoding="utf-8", newline="\n")
    return target


def main(argv: list[str] | None = None) -> int:
    """Compile every form, or with ``--check`` report the stale ones; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="do not compile; exit 1 if any form is stale"
    )
    args = parser.parse_args(argv)
    if args.check:
        found = problems()
        for line in found:
            print(line, file=sys.stderr)
        if not found:
            print(f"{len(ui_files())} compiled form(s) up to date")
        return 1 if found else 0
    uic = find_uic()
    init = FORMS_DIR / "__init__.py"
    if not init.exists():
        FORMS_DIR.mkdir(parents=True, exist_ok=True)
        init.write_text('"""Forms compiled from ui/*.ui by ui/compile_forms.py."""\n')
    for ui_file in ui_files():
        print(f"{ui_file.name} -> {compile_one(ui_file, uic=uic).relative_to(UI_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
