"""Find personal values of the synthetic people in a log folder (issue 14 item 5)."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from mash_desk.services.desk import Desk
from mash_desk.storage.models import Contact, Household, Person

# A log line starts with its time ("2026-12-06 22:55:01,123"): a child born today must not
# look like a leak, so the time is cut off before searching.
_LINE_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ", re.M)
_SNIPPET = 30


def personal_values(desk: Desk) -> set[str]:
    """Every synthetic person's names, NHS number, date of birth, address, and narratives."""
    values: set[str] = set()
    with desk.db.reading() as session:
        for person in session.scalars(select(Person)):
            values.add(f"{person.given_name} {person.family_name}")
            values.update(n for n in (person.given_name, person.family_name) if len(n) >= 4)
            if person.nhs_number:
                nhs = person.nhs_number
                values.update({nhs, f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"})
            for day in (person.date_of_birth, person.expected_delivery):
                if day is not None:
                    values.update({day.isoformat(), f"{day:%d/%m/%Y}", f"{day:%d %b %Y}"})
        for household in session.scalars(select(Household)):
            values.update(v for v in (household.address, household.postcode) if v)
        for concerns in session.scalars(select(Contact.concerns)):
            values.add(concerns[:_SNIPPET])
    return values


def log_text(folder: Path) -> str:
    """Everything in every file of ``folder`` (rotated logs and crash dumps too), times cut."""
    parts = [
        path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    ]
    return _LINE_TIME.sub("", "\n".join(parts))


def leaks(folder: Path, values: set[str]) -> list[str]:
    """The personal values found in the log folder (whole words, case-sensitive)."""
    text = log_text(folder)
    return sorted(v for v in values if re.search(rf"(?<![\w-]){re.escape(v)}(?![\w-])", text))
