"""MASH Desk: the children's Multi-Agency Safeguarding Hub front-door desk."""

__version__ = "0.1.0"
