"""Users: sign-in with argon2 password hashes, and the Actor every service call needs."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select

from mash_desk.domain.enums import Role
from mash_desk.domain.errors import FieldError, PermissionDenied, ValidationError
from mash_desk.domain.permissions import Permission
from mash_desk.domain.text import clean_short
from mash_desk.services.context import Service, actor_from_user
from mash_desk.services.dto import Actor, OpResult
from mash_desk.storage.models import Agency, User

_hasher = PasswordHasher()
MIN_PASSWORD = 12


class UserService(Service):
    """Sign users in and manage accounts."""

    def sign_in(self, username: str, password: str) -> Actor:
        """Return the Actor for a correct username and password; one vague error otherwise."""
        with self.ctx.db.reading() as session:
            user = session.scalar(select(User).where(User.username == username.strip().lower()))
            try:
                if user is None or not user.active or not user.password_hash:
                    raise VerificationError
                _hasher.verify(user.password_hash, password)
            except VerificationError:
                # One message for unknown user and wrong password, so the form leaks nothing.
                raise PermissionDenied("Username or password not recognised") from None
            return actor_from_user(session, user)

    def confirm_password(self, actor: Actor, password: str) -> None:
        """Check that ``password`` is the signed-in user's own (unlocking an idle-locked desk).

        The same argon2 check as :meth:`sign_in`, against the account the session already
        belongs to, so nobody can unlock someone else's desk with their own password. A
        deactivated account cannot unlock either: it is signed out for good.
        """
        with self.ctx.db.reading() as session:
            user = session.get(User, actor.user_id)
            try:
                if user is None or not user.active or not user.password_hash:
                    raise VerificationError
                _hasher.verify(user.password_hash, password)
            except VerificationError:
                raise PermissionDenied("Password not recognised") from None

    def actor_for(self, username: str) -> Actor:
        """Return the Actor of an active user without a password (demo desk, admin scripts)."""
        with self.ctx.db.reading() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None or not user.active:
                raise PermissionDenied(f"No active user {username!r}")
            return actor_from_user(session, user)

    def first_run(self) -> bool:
        """Whether the database has no account anyone can sign in with yet.

        Asked before sign-in (no user yet), so it says only that, nothing about who exists.
        """
        with self.ctx.db.reading() as session:
            return (
                session.scalar(
                    select(User.id)
                    .where(User.active.is_(True), User.password_hash.is_not(None))
                    .limit(1)
                )
                is None
            )

    def create_first_administrator(
        self, *, username: str, display_name: str, password: str
    ) -> OpResult[Actor]:
        """Create the first administrator of a new database; refused once any account exists.

        A newcomer who opens MASH Desk on a fresh embedded database would otherwise face a
        sign-in dialog nobody can get past.
        """
        if not password:
            raise ValidationError(FieldError("password", "required", "Choose a password"))
        if not self.first_run():
            raise PermissionDenied(
                "This database already has user accounts; ask an administrator for one"
            )
        return self.create(
            self.system_actor(),
            username=username,
            display_name=display_name,
            role=Role.ADMIN,
            agency_code="social_care",
            password=password,
        )

    def system_actor(self) -> Actor:
        """Return the built-in system user, for automatic changes (it cannot sign in)."""
        with self.ctx.db.reading() as session:
            user = session.scalar(select(User).where(User.username == "system"))
            assert user is not None
            return actor_from_user(session, user)

    def create(
        self,
        actor: Actor,
        *,
        username: str,
        display_name: str,
        role: Role | str,
        agency_code: str,
        password: str | None,
        team: str | None = None,
    ) -> OpResult[Actor]:
        """Create a user account (administrators only)."""
        errors: list[FieldError] = []
        name, problem = clean_short(username, "username", "Username", required=True)
        errors += [problem] if problem else []
        shown, problem = clean_short(display_name, "display_name", "Display name", required=True)
        errors += [problem] if problem else []
        try:
            role = Role(role)
        except ValueError:
            errors.append(FieldError("role", "choice", f"Unknown role {role!r}"))
        if password is not None and len(password) < MIN_PASSWORD:
            errors.append(
                FieldError(
                    "password", "length", f"Password must be at least {MIN_PASSWORD} characters"
                )
            )
        if errors:
            raise ValidationError(errors)
        with self.writing(actor, Permission.ADMINISTER) as unit:
            agency = unit.session.scalar(select(Agency).where(Agency.code == agency_code))
            if agency is None:
                raise ValidationError(
                    FieldError("agency", "exists", f"Unknown agency {agency_code!r}")
                )
            assert name is not None and shown is not None
            if unit.session.scalar(select(User.id).where(User.username == name.lower())):
                raise ValidationError(
                    FieldError("username", "unique", f"Username {name!r} is taken")
                )
            user = User(
                username=name.lower(),
                display_name=shown,
                role_code=Role(role).value,
                agency_id=agency.id,
                team=team,
                password_hash=_hasher.hash(password) if password else None,
                active=True,
            )
            unit.session.add(user)
            unit.session.flush()
            unit.audit(
                "user.created",
                "user",
                user.id,
                username=user.username,
                role=user.role_code,
                agency=agency_code,
            )
            return OpResult(actor_from_user(unit.session, user), frozenset({"users"}))
