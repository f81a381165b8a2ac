"""The DfE's CIN census schema, taken from the ``liiatools`` wheel at test time.

Issue 15 item 4: the schema is not copied into the repository; the wheel on the package index
ships it (``liiatools/spec/cin_census/CIN_schema_2024.xsd``), so the session downloads the
wheel (no dependencies, nothing installed) and reads the file out of it.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import xmlschema

SCHEMA_IN_WHEEL = "liiatools/spec/cin_census/CIN_schema_2024.xsd"


@pytest.fixture(scope="session")
def cin_schema(tmp_path_factory: pytest.TempPathFactory) -> xmlschema.XMLSchema:
    """The 2024 CIN census XML schema, read out of the downloaded liiatools wheel."""
    folder = tmp_path_factory.mktemp("liiatools")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "liiatools", "-d", folder],
        capture_output=True,
        text=True,
    )
    wheels = sorted(Path(folder).glob("liiatools-*.whl"))
    if not wheels:
        pytest.fail(f"pip download liiatools found no wheel: {done.stderr.strip()[-500:]}")
    with zipfile.ZipFile(wheels[-1]) as wheel:
        text = wheel.read(SCHEMA_IN_WHEEL).decode("utf-8")
    return xmlschema.XMLSchema(text)
