"""Reporting: plain-data report models built by services, and their renderers. No Qt."""
