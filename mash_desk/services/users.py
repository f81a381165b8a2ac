"""Users: sign-in with argon2 password hashes, and the Actor every service call needs."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import bindparam, create_engine, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from mash_desk.domain.changes import Topic, change_keys
from mash_desk.domain.enums import Role
from mash_desk.domain.errors import FieldError, PermissionDenied, ValidationError
from mash_desk.domain.permissions import Permission
from mash_desk.domain.text import clean_short, unstorable_problem
from mash_desk.services.context import Service, actor_from_user
from mash_desk.services.dto import Actor, OpResult
from mash_desk.storage import server
from mash_desk.storage.models import Agency, User

_USERS, _AGENCIES = User.__table__, Agency.__table__
# A Core read, not the ORM: the demo desk signs in with it before its first page, and the
# ORM's first query sets up all 41 mappers (40-50 ms), work the warm-up does after the first
# page instead (issue 16, start-up).
_ACTOR_BY_USERNAME = (
    select(
        _USERS.c.id,
        _USERS.c.username,
        _USERS.c.display_name,
        _USERS.c.role_code,
        _USERS.c.team,
        _USERS.c.active,
        _AGENCIES.c.code.label("agency_code"),
    )
    .select_from(_USERS.outerjoin(_AGENCIES, _AGENCIES.c.id == _USERS.c.agency_id))
    .where(_USERS.c.username == bindparam("username"))
)

_hasher = PasswordHasher()
# Length is what makes a password hard to guess (NCSC password guidance: three random words,
# which comes to well over 12 characters); the same floor as the database passphrase.
MIN_PASSWORD = 12
# Widths of the user table's columns (storage/models/reference.py): PostgreSQL refuses a
# longer value outright, so the form says so first.
USERNAME_MAX = 60
DISPLAY_NAME_MAX = 120
TEAM_MAX = 80


def _password_problem(password: str | None, field: str) -> FieldError | None:
    """Return why a new password is refused, naming ``field``, else ``None``.

    Too short, or holding what argon2 cannot hash (it encodes to UTF-8) or the server
    cannot store (NUL): refused with the field named, never a UnicodeEncodeError.
    """
    if password is not None and len(password) < MIN_PASSWORD:
        return FieldError(field, "length", f"Password must be at least {MIN_PASSWORD} characters")
    return unstorable_problem(password, field, "Password")


def _unreadable(*typed: str | None) -> bool:
    """Whether a sign-in value could not even be looked up (so cannot be anyone's)."""
    return any(unstorable_problem(value, "sign_in", "Sign-in") for value in typed)


def stored_username(username: str | None) -> tuple[str | None, FieldError | None]:
    """The username as stored (trimmed, lower-cased), or the problem with it."""
    name, problem = clean_short(
        username, "username", "Username", required=True, max_length=USERNAME_MAX
    )
    # Usernames are stored lower-cased, and lower-casing can lengthen text ("İ" becomes
    # "i" and a combining dot), so the stored form is what must fit the column.
    name = name.lower() if name else name
    if name and len(name) > USERNAME_MAX:
        problem = FieldError(
            "username", "too_long", f"Username is too long; the limit is {USERNAME_MAX}"
        )
    return name, problem


class UserService(Service):
    """Sign users in and manage accounts."""

    def sign_in(self, username: str, password: str) -> Actor:
        """Return the Actor for a correct username and password; one vague error otherwise."""
        if _unreadable(username, password):
            # The same vague refusal as a wrong password: the form leaks nothing.
            raise PermissionDenied("Username or password not recognised")
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
        if _unreadable(password):
            raise PermissionDenied("Password not recognised")
        if self.ctx.db.dialect == "postgresql" and self._is_server_login(actor):
            self._confirm_server_password(actor, password)
            return
        with self.ctx.db.reading() as session:
            user = session.get(User, actor.user_id)
            try:
                if user is None or not user.active or not user.password_hash:
                    raise VerificationError
                _hasher.verify(user.password_hash, password)
            except VerificationError:
                raise PermissionDenied("Password not recognised") from None

    def _is_server_login(self, actor: Actor) -> bool:
        person = self.server_person()
        return person is not None and person.user_id == actor.user_id

    def _confirm_server_password(self, actor: Actor, password: str) -> None:
        # A server login's password is the server's (SCRAM): the only check is to sign in
        # again with it. No login may read stored hashes (storage/server_policies.py).
        url = self.ctx.db.engine.url.set(username=actor.username, password=password)
        engine = create_engine(url, poolclass=NullPool)
        try:
            with engine.connect() as conn:
                server.session_login(conn)
        except OperationalError:
            raise PermissionDenied("Password not recognised") from None
        finally:
            engine.dispose()

    def actor_for(self, username: str) -> Actor:
        """Return the Actor of an active user without a password (demo desk, admin scripts)."""
        if _unreadable(username):
            raise PermissionDenied("No active user of that name")
        with self.ctx.db.read_connection() as conn:
            row = conn.execute(_ACTOR_BY_USERNAME, {"username": username}).first()
        if row is None or not row.active:
            raise PermissionDenied(f"No active user {username!r}")
        return Actor(
            user_id=row.id,
            username=row.username,
            display_name=row.display_name,
            role=Role(row.role_code),
            agency_code=row.agency_code or "",
            team=row.team,
        )

    def first_run(self) -> bool:
        """Whether the database has no account anyone can sign in with yet.

        Asked before sign-in (no user yet), so it says only that, nothing about who exists.
        """
        if self.ctx.db.dialect == "postgresql" and self.server_person() is not None:
            # Connected as a person's own server login: that account signs in (and no login
            # may read the password column this query asks about).
            return False
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
        server_login: bool = False,
    ) -> OpResult[Actor]:
        """Create a user account (administrators only).

        With ``server_login`` (a shared PostgreSQL server, run by its owner) the person also
        gets a server login of the same name in their role's group, in the same transaction;
        the server then checks their password, so no argon2 hash is kept beside it.
        """
        errors: list[FieldError] = []
        name, problem = stored_username(username)
        errors += [problem] if problem else []
        shown, problem = clean_short(
            display_name, "display_name", "Display name", required=True, max_length=DISPLAY_NAME_MAX
        )
        errors += [problem] if problem else []
        team, problem = clean_short(team, "team", "Team", max_length=TEAM_MAX)
        errors += [problem] if problem else []
        try:
            role = Role(role)
        except ValueError:
            errors.append(FieldError("role", "choice", f"Unknown role {role!r}"))
        for problem in (
            unstorable_problem(agency_code, "agency", "Agency"),
            _password_problem(password, "password"),
        ):
            errors += [problem] if problem else []
        if errors:
            raise ValidationError(errors)
        with self.writing(actor, Permission.ADMINISTER) as unit:
            agency = unit.session.scalar(select(Agency).where(Agency.code == agency_code))
            if agency is None:
                raise ValidationError(
                    FieldError("agency", "exists", f"Unknown agency {agency_code!r}")
                )
            assert name is not None and shown is not None
            if unit.session.scalar(select(User.id).where(User.username == name)):
                raise ValidationError(
                    FieldError("username", "unique", f"Username {name!r} is taken")
                )
            user = User(
                username=name,
                display_name=shown,
                role_code=Role(role).value,
                agency_id=agency.id,
                team=team,
                password_hash=_hasher.hash(password) if password and not server_login else None,
                active=True,
            )
            unit.session.add(user)
            unit.session.flush()
            if server_login:
                if not password:
                    raise ValidationError(
                        FieldError("password", "required", "A server login needs a password")
                    )
                server.create_login(unit.conn, user.username, Role(role), password)
            unit.audit(
                "user.created",
                "user",
                user.id,
                username=user.username,
                role=user.role_code,
                agency=agency_code,
                server_login=server_login,
            )
            return OpResult(actor_from_user(unit.session, user), change_keys(Topic.USERS))

    def deactivate(self, actor: Actor, username: str) -> OpResult[Actor]:
        """Mark a user inactive; on a shared server also disable their login and end sessions.

        The account row stays (the audit and the work they did name it); the services refuse
        an inactive user at once, and the server refuses the login from the commit on.
        """
        name = (username or "").strip().lower()
        problem = unstorable_problem(name, "username", "Username")
        if problem:
            raise ValidationError(problem)
        with self.writing(actor, Permission.ADMINISTER) as unit:
            user = unit.session.scalar(select(User).where(User.username == name))
            if user is None or name == "system":
                raise ValidationError(FieldError("username", "exists", f"No user {name!r}"))
            user.active = False
            unit.session.flush()
            had_login = self.ctx.db.dialect == "postgresql" and server.disable_login(
                unit.conn, name
            )
            unit.audit("user.deactivated", "user", user.id, username=name)
            done = actor_from_user(unit.session, user)
        if had_login:
            with self.ctx.db.write_transaction() as conn:
                server.end_sessions(conn, name)
        return OpResult(done, change_keys(Topic.USERS))

    def server_person(self) -> Actor | None:
        """Return the Actor of the person this server connection authenticated as, if any.

        On a shared server set up with one login per person (``server init``), the person
        signs in once, with their own server login: the server has checked the password, so
        the MASH Desk user is the active one named like the login. ``None`` when the login is
        nobody's account (an embedded database, or a server still on one shared login).
        """
        if self.ctx.db.dialect != "postgresql":
            return None
        with self.ctx.db.reading() as session:
            login = server.session_login(session.connection())
            user = session.scalar(select(User).where(User.username == login))
            if user is None or not user.active:
                return None
            return actor_from_user(session, user)

    def sign_in_server(self) -> Actor:
        """Return the connected person's Actor, or refuse when the login is nobody's account."""
        actor = self.server_person()
        if actor is None:
            raise PermissionDenied(
                "This server login has no active MASH Desk account; ask an administrator"
            )
        # The stored threshold documents are parsed by the warm-up once the first page is on
        # screen (services/warm_up.py), on a reading connection: a first screening parsing
        # them inside its write transaction left it "idle in transaction" for seconds under
        # load (50 desks on two cores). Parsing them here held every server desk's first
        # page back by 60-85 ms (issue 16, start-up).
        return actor

    def change_password(self, actor: Actor, current: str, new: str) -> None:
        """Change the signed-in user's own password (server login, or argon2 when embedded)."""
        problem = _password_problem(new or "", "new_password")
        if problem:
            raise ValidationError(problem)
        if self.ctx.db.dialect == "postgresql":
            self._change_server_password(actor, new)
            return
        self.confirm_password(actor, current)
        # Every role reads the threshold document: the permission of "anyone signed in".
        with self.writing(actor, Permission.VIEW_THRESHOLDS) as unit:
            user = unit.session.get(User, actor.user_id)
            assert user is not None
            user.password_hash = _hasher.hash(new)
            unit.audit("user.password_changed", "user", user.id)

    def _change_server_password(self, actor: Actor, new: str) -> None:
        # The server already knows who is connected: CURRENT_USER changes its own password,
        # which any login may do, and nobody can change another's this way.
        with self.writing(actor, Permission.VIEW_THRESHOLDS) as unit:
            if server.session_login(unit.conn) != actor.username:
                raise PermissionDenied("Only the signed-in person can change this password")
            server.change_own_password(unit.conn, new)
            unit.audit("user.password_changed", "user", actor.user_id)
