"""README's Architecture section is true to the tree (issue 17 item 8).

A newcomer reads the tree there before the code: every module it names must exist, and every
package of ``mash_desk`` must be in it, so a rename or a new package fails here, not later in
someone's head.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _architecture() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Architecture")
    return text[start : text.index("\n## ", start + 1)]


def test_every_module_the_architecture_names_exists() -> None:
    """A ``name.py`` in the section is a file somewhere in the project."""
    named = set(re.findall(r"\b([a-z_][a-z0-9_]*\.py)\b", _architecture()))
    files = {p.name for p in ROOT.rglob("*.py") if ".venv" not in p.parts}
    assert named, "the section names no module"
    assert sorted(named - files) == []


def test_every_package_is_in_the_tree() -> None:
    """Each folder of ``mash_desk`` with Python in it has its line in the tree."""
    section = _architecture()
    packages = {
        p.name
        for p in (ROOT / "mash_desk").iterdir()
        if p.is_dir() and p.name != "__pycache__" and any(p.glob("*.py"))
    }
    missing = sorted(name for name in packages if f"  {name}/" not in section)
    assert missing == []
