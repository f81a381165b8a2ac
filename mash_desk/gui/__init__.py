"""The PySide6 desktop client (issue 4). The only package that imports Qt.

Importing any GUI module first loads the desk's services (SQLAlchemy, the ORM models), then
Qt: once PySide6 is loaded its import hook (``shibokensupport.feature``) reads the source of
every module imported after it to look for ``from __feature__ import``, which added ~0.2 s to
each start for SQLAlchemy and the models alone (issue 16, start-up to a filled queue).
"""

import mash_desk.services.desk  # noqa: F401 — before PySide6, see above
