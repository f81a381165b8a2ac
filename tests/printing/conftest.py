"""The printing tests share one private CUPS server (tests/support/cups.py)."""

from tests.support.cups import cups_server  # noqa: F401 — a fixture, registered by import
