"""The PySide6 desktop client (issue 4). The only package that imports Qt.

A start draws its first queue page before the database layer is imported (``gui/start.py``,
issue 16), so this package imports nothing itself. (Once PySide6 is loaded, its import hook
``shibokensupport.feature`` reads the source of each module imported after it; the desk's
database layer, loaded after the first page, pays that behind a page already on screen.)
"""
