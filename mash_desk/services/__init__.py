"""Use cases: the only way the GUI and scripts change anything.

Each call takes the acting user, checks permission against the database, does
one unit of work with its audit row in the same transaction, and returns frozen DTOs. No Qt.
"""
