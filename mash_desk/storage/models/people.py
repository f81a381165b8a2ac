"""People (children, unborn children, adults), households and how they are related."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from mash_desk.storage.base import Base, UTCDateTime


class Household(Base):
    """An address where children live; siblings usually share one."""

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(10), index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class Person(Base):
    """A child (born or unborn) or an adult.

    ``family_key``/``given_key`` hold Metaphone keys so duplicate detection reads a handful
    of index entries rather than the whole table, however long the history.
    """

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    given_name: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200))
    given_key: Mapped[str] = mapped_column(String(12))
    family_key: Mapped[str] = mapped_column(String(12))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    expected_delivery: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(15), default="unknown")
    nhs_number: Mapped[str | None] = mapped_column(String(10), unique=True)
    upn: Mapped[str | None] = mapped_column(String(13))
    local_id: Mapped[str | None] = mapped_column(String(20), unique=True)
    ethnicity: Mapped[str | None] = mapped_column(String(10))
    first_language: Mapped[str | None] = mapped_column(String(60))
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    disability: Mapped[bool] = mapped_column(Boolean, default=False)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    school: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    # Set when a manager merged this duplicate into another record (services.merge): the
    # record stays, so old audit and access rows still name it, but every search, match and
    # case view leads to the kept one.
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_people_family_key_dob", "family_key", "date_of_birth"),
        # "Find a child" by date of birth alone.
        Index("ix_people_date_of_birth", "date_of_birth"),
        Index("ix_people_names_dob", "family_key", "given_key", "date_of_birth"),
        Index("ix_people_given_key_dob", "given_key", "date_of_birth"),
        Index("ix_people_family_key_edd", "family_key", "expected_delivery"),
    )


class Relationship(Base):
    """A link between two people: ``person`` is the parent/carer/adult or first sibling."""

    __tablename__ = "relationships"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    related_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    # For a parent or carer: whether they hold parental responsibility for the child (who
    # must be asked for consent). None where nobody said (and for siblings).
    parental_responsibility: Mapped[bool | None] = mapped_column(Boolean)

    __table_args__ = (UniqueConstraint("person_id", "related_id", "kind"),)


class ServiceEpisode(Base):
    """A spell of a child being open to a service (early help, CIN, CP plan …)."""

    __tablename__ = "service_episodes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    service: Mapped[str] = mapped_column(String(40))
    team: Mapped[str | None] = mapped_column(String(80))
    worker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
