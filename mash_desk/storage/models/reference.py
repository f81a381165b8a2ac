"""Roles, agencies and users: reference data seeded at start-up."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mash_desk.storage.base import Base


class RoleRow(Base):
    """A role from ``mash_desk.domain.enums.Role``; a table so reports can join on it."""

    __tablename__ = "roles"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    label: Mapped[str] = mapped_column(String(80))


class Agency(Base):
    """A partner agency (or the council's own services). Agencies are data, not code."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class User(Base):
    """Someone who signs in. The password hash is argon2; demo users have none."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role_code: Mapped[str] = mapped_column(ForeignKey("roles.code"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    team: Mapped[str | None] = mapped_column(String(80))
    # Deferred: loaded only where a password is checked. On a shared server no login may read
    # the column (storage/server_policies.py), so whole-row reads of a user must not ask.
    password_hash: Mapped[str | None] = mapped_column(String(200), deferred=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
