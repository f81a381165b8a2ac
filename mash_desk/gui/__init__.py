"""The PySide6 desktop client (issue 4). The only package that imports Qt."""
