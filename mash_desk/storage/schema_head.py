"""The schema revision this version of MASH Desk is built for, without Alembic or SQLAlchemy.

The early first page (``services/early_page.py``) reads a database before anything that could
migrate it is imported: it reads only a database already at this revision. A new migration
must move this constant too (``tests/services/test_early_page.py`` compares it with the
shipped migrations' head, so it cannot be forgotten).
"""

from __future__ import annotations

SCHEMA_HEAD = "0021"
