"""People the contacts are about: households, adults, children, their links and consents."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from mash_desk.domain.enums import (
    RelationshipKind,
)
from mash_desk.storage.models import (
    Consent,
    Household,
    Person,
    Relationship,
    ServiceEpisode,
)
from mash_desk.synthetic.audit_json import household_json, person_json, relationship_json
from mash_desk.synthetic.catalogue import (
    EARLY_HELP_TEAMS,
    NOT_SOUGHT_REASONS,
    OVERRIDE_BASIS,
    REFERRER_ROLES,
    REFUSED_REASONS,
    SOCIAL_CARE_TEAMS,
)
from mash_desk.synthetic.history_state import HistoryState
from mash_desk.synthetic.names import (
    choose,
    key_of,
)
from mash_desk.synthetic.people import Adult, Family, Kid
from mash_desk.synthetic.rates import (
    CONSENT_BY_LEVEL,
    CONSENT_TO_EARLY_HELP,
    CONSENT_TO_SHARE,
    EARLY_HELP_CONSENT_STATES,
)


class PeopleRows(HistoryState):
    """Writes people, households, relationships, service episodes and consents."""

    # --- rows -----------------------------------------------------------------------------

    def _ensure_household(self, fam: Family, at: datetime, user: int) -> None:
        if fam.hid is not None:
            return
        fam.hid = self._id(Household)
        self.rows[Household].append(
            {"id": fam.hid, "address": fam.address, "postcode": fam.postcode, "version": 1}
        )
        self._audit_json(
            at, user, "household.created", "household", fam.hid, None, household_json(fam.postcode)
        )
        for adult in fam.adults:
            if adult.role != "partner":
                self._create_adult(fam, adult, at, user)

    def _create_adult(self, fam: Family, adult: Adult, at: datetime, user: int) -> None:
        adult.pid = self._id(Person)
        self.counts["adults"] += 1
        self.rows[Person].append(
            {
                "id": adult.pid,
                "kind": "adult",
                "given_name": adult.given,
                "family_name": adult.family,
                "given_key": key_of(adult.given),
                "family_key": key_of(adult.family),
                "date_of_birth": adult.dob,
                "expected_delivery": None,
                "sex": adult.sex,
                "nhs_number": None,
                "upn": None,
                "local_id": None,
                "ethnicity": fam.ethnicity,
                "first_language": fam.language,
                "interpreter_needed": fam.interpreter,
                "disability": False,
                "household_id": fam.hid,
                "school": None,
                "created_at": at,
                "version": 1,
                "merged_into": None,
            }
        )
        self._audit_json(
            at, user, "person.created", "person", adult.pid, adult.pid, person_json("adult", False)
        )
        for kid in fam.kids:
            if kid.pid is not None:
                self._link_adult(adult, kid, at, user)

    def _link(
        self,
        person: int,
        related: int,
        kind: RelationshipKind,
        at: datetime,
        user: int,
        pr: bool | None = None,
    ) -> None:
        rid = self._id(Relationship)
        self.rows[Relationship].append(
            {
                "id": rid,
                "person_id": person,
                "related_id": related,
                "kind": kind.value,
                "parental_responsibility": pr,
            }
        )
        self._audit_json(
            at,
            user,
            "relationship.added",
            "relationship",
            rid,
            related,
            relationship_json(person, kind.value),
        )

    def _link_adult(self, adult: Adult, kid: Kid, at: datetime, user: int) -> None:
        assert adult.pid is not None and kid.pid is not None
        # A mother always has parental responsibility; a father or carer as the family says.
        pr = adult.role == "mother" or bool(adult.pr)
        if adult.role in ("mother", "father"):
            self._link(adult.pid, kid.pid, RelationshipKind.PARENT, at, user, pr)
        elif adult.role == "carer":
            self._link(adult.pid, kid.pid, RelationshipKind.CARER, at, user, pr)
        else:
            self._link(adult.pid, kid.pid, RelationshipKind.ADULT_OF_CONCERN, at, user)
        # A mother always has parental responsibility; the record lists it where it is not
        # automatic (fathers who acquired it, carers under a court order).
        if adult.pr and adult.role in ("father", "carer"):
            self._link(adult.pid, kid.pid, RelationshipKind.PARENTAL_RESPONSIBILITY, at, user, True)

    def _create_kid(self, kid: Kid, day: date, at: datetime, user: int) -> None:
        fam = kid.fam
        kid.pid = self._id(Person)
        unborn_now = not kid.born_by(day)
        born_at_end = kid.born_by(self.end_day)
        self.counts["children"] += 1
        self.counts["unborn_children"] += unborn_now
        given = kid.given if born_at_end or not unborn_now else "Unborn"
        sex = kid.sex if born_at_end else "unknown"
        self.rows[Person].append(
            {
                "id": kid.pid,
                "kind": "child",
                "given_name": given,
                "family_name": kid.family,
                "given_key": key_of(given),
                "family_key": key_of(kid.family),
                "date_of_birth": kid.dob if born_at_end else None,
                "expected_delivery": None if born_at_end else kid.edd,
                "sex": sex,
                "nhs_number": kid.nhs,
                "upn": kid.upn,
                "local_id": None,
                "ethnicity": fam.ethnicity,
                "first_language": fam.language,
                # Children rarely need an interpreter; an unaccompanied child usually does.
                "interpreter_needed": fam.interpreter and not fam.adults,
                "disability": kid.disability,
                "household_id": fam.hid,
                "school": None,
                "created_at": at,
                # Met unborn and born since: the record was updated once with the birth.
                "version": 2 if unborn_now and born_at_end else 1,
                "merged_into": None,
            }
        )
        self._audit_json(
            at, user, "person.created", "person", kid.pid, kid.pid, person_json("child", unborn_now)
        )
        if unborn_now and born_at_end:
            assert kid.dob is not None and kid.edd is not None
            when = min(self._local(kid.dob + timedelta(days=3), time(11)), self.end)
            when = max(when, at)
            changes = {
                "given_name": ["Unborn", kid.given],
                "sex": ["unknown", kid.sex],
                "date_of_birth": [None, kid.dob],
                "expected_delivery": [kid.edd, None],
            }
            if kid.nhs:
                changes["nhs_number"] = [None, kid.nhs]
            self._audit(
                when,
                self.rng.choice(self.practitioners),
                "person.updated",
                "person",
                kid.pid,
                kid.pid,
                changes=changes,
            )
        for adult in fam.adults:
            if adult.pid is not None:
                self._link_adult(adult, kid, at, user)
        if fam.first_kid is None:
            fam.first_kid = kid
        else:
            assert fam.first_kid.pid is not None
            self._link(fam.first_kid.pid, kid.pid, RelationshipKind.SIBLING, at, user)

    def _episode(self, kid: Kid, service: str, start: date, low: int, high: int) -> None:
        rng = self.rng
        assert kid.pid is not None
        ends = start + timedelta(days=rng.randint(low, high))
        if kid.open_until is None or kid.open_until < start:
            self.open_kids.append(kid)
        kid.open_until = max(ends, kid.open_until or ends)
        kid.open_service = service
        if start > self.end_day:
            return
        team = (
            rng.choice(EARLY_HELP_TEAMS) if service == "early_help" else SOCIAL_CARE_TEAMS[service]
        )
        self.rows[ServiceEpisode].append(
            {
                "id": self._id(ServiceEpisode),
                "person_id": kid.pid,
                "service": service,
                "team": team,
                "worker_id": None,
                "started_on": start,
                "ended_on": ends if ends <= self.end_day else None,
            }
        )

    def _consent(
        self,
        kid: Kid,
        contact_id: int,
        purpose: str,
        level: int,
        user: int,
        at: datetime,
    ) -> str | None:
        """Record consent for one purpose (§6): mostly given; overridden only at level 4.

        Returns the state recorded (None: none recorded).
        """
        rng = self.rng
        assert kid.pid is not None
        if purpose == CONSENT_TO_SHARE and rng.random() < 0.06:
            return None  # not yet recorded: target 100 % (000 L275), reality a little short
        weights: tuple[tuple[str, int], ...]
        if purpose == CONSENT_TO_EARLY_HELP:
            weights = EARLY_HELP_CONSENT_STATES
        else:
            weights = CONSENT_BY_LEVEL[level]
        state = choose(rng, weights)
        reason = lawful = None
        approver = None
        if state == "not_sought":
            reason = rng.choice(NOT_SOUGHT_REASONS)
        elif state == "refused":
            reason = rng.choice(REFUSED_REASONS)
        elif state == "overridden":
            # Lawful only where seeking consent would put the child at risk; a manager
            # approves (000 L258, L273).
            lawful = rng.choice(OVERRIDE_BASIS)
            approver = self.manager
        self.rows[Consent].append(
            {
                "id": self._id(Consent),
                "person_id": kid.pid,
                "contact_id": contact_id,
                "purpose": purpose,
                "state": state,
                "reason": reason,
                "lawful_basis": lawful,
                "approved_by": approver,
                "recorded_by": user,
                "recorded_at": at,
            }
        )
        return state

    # --- text ------------------------------------------------------------------------------

    def _person_name(self) -> str:
        rng = self.rng
        group = rng.choice(("en_GB", "en_GB", "en_GB", "en_IN", "pl_PL", "ro_RO", "so_ar"))
        pool = self.pools[group]
        first = rng.choice(pool.male if rng.random() < 0.4 else pool.female)
        return f"{first} {rng.choice(pool.family)}"

    def _referrer(self, source: str, fam: Family) -> tuple[str | None, str, str | None]:
        rng = self.rng
        role, agency = rng.choice(REFERRER_ROLES.get(source, REFERRER_ROLES["8"]))
        if agency is not None:
            agency = agency.format(school=fam.school, surgery=fam.surgery)
        if source in ("9", "10"):
            return None, role, agency
        if source == "1C" and role.startswith("Parent"):
            mother = fam.mother()
            if mother is not None:
                return f"{mother.given} {mother.family}", role, agency
        return self._person_name(), role, agency
