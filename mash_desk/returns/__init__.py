"""Statutory returns built from what the desk records: files in the formats the DfE and Ofsted take.

Each return has its own module (``cin``: the Children in Need census XML); the services read
the records and audit each export (``services.returns``), the command line names the verbs
(``cli_returns``). Nothing here reads the database or writes a file.
"""
