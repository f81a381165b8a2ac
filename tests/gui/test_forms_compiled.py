"""Every Designer form is compiled, up to date, and builds on a real widget."""

from __future__ import annotations

import importlib
import importlib.util
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

ROOT = Path(__file__).resolve().parents[2]
UI_DIR = ROOT / "ui"


def _compiler():
    spec = importlib.util.spec_from_file_location("compile_forms", UI_DIR / "compile_forms.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


UI_FILES = sorted(UI_DIR.glob("*.ui"))
HOSTS = {"QWidget": QWidget, "QDialog": QDialog, "QMainWindow": QMainWindow}
INPUTS = (QLineEdit, QComboBox, QPlainTextEdit, QTextEdit, QAbstractSpinBox, QListWidget)


def test_there_are_forms():
    assert UI_FILES


@pytest.mark.parametrize("ui_file", UI_FILES, ids=lambda p: p.name)
def test_compiled_form_exists_and_matches_its_source(ui_file):
    compiler = _compiler()
    compiled = compiler.target_of(ui_file)
    assert compiled.exists(), f"run: .venv/bin/python ui/compile_forms.py ({compiled.name})"
    assert compiler.recorded_hash(compiled) == compiler.source_hash(ui_file), (
        f"{compiled.name} is stale: run .venv/bin/python ui/compile_forms.py"
    )


@pytest.mark.parametrize("ui_file", UI_FILES, ids=lambda p: p.name)
def test_compiled_form_builds_on_a_widget_with_accessible_inputs(qtbot, ui_file):
    root = ET.parse(ui_file).getroot()
    class_name = root.findtext("class")
    top = root.find("widget")
    assert top is not None
    module = importlib.import_module(f"mash_desk.gui.forms.ui_{ui_file.stem}")
    host = HOSTS.get(top.get("class", "QWidget"), QWidget)()
    qtbot.addWidget(host)
    form = getattr(module, f"Ui_{class_name}")()
    form.setupUi(host)
    unnamed = [
        w.objectName()
        for w in host.findChildren(QWidget)
        if isinstance(w, INPUTS)
        and w.parent() is not None
        and not isinstance(w.parent(), INPUTS)  # internal editors of combos and spin boxes
        and not w.accessibleName()
    ]
    assert unnamed == [], f"inputs without an accessible name: {unnamed}"


def test_check_mode_passes_on_the_repository():
    result = subprocess.run(
        [sys.executable, str(UI_DIR / "compile_forms.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr


def test_check_finds_stale_and_missing_forms(tmp_path):
    compiler = _compiler()
    ui_dir, forms_dir = tmp_path / "ui", tmp_path / "forms"
    ui_dir.mkdir()
    source = ui_dir / "sample.ui"
    # new_contact.ui by name: the test edits its "New contact" title.
    shutil.copyfile(UI_DIR / "new_contact.ui", source)
    assert compiler.problems(ui_dir, forms_dir) == ["ui_sample.py: missing (compile sample.ui)"]
    compiled = compiler.compile_one(source, forms_dir)
    assert compiled.read_text().startswith("# source-sha256: ")
    assert compiler.problems(ui_dir, forms_dir) == []
    source.write_text(source.read_text().replace("New contact", "New contact (changed)"))
    assert [p.split(":")[0] for p in compiler.problems(ui_dir, forms_dir)] == ["ui_sample.py"]
    assert "stale" in compiler.problems(ui_dir, forms_dir)[0]
