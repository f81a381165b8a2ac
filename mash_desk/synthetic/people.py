"""Invented families: the children, parents and carers that contacts are about.

A family lives in memory from its first contact until its children grow up or it has not
been heard of for years; its people are written to the database the first time a contact
names them, so a child's record appears when the front door first meets the child.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from mash_desk.domain.outcomes import age_in_years
from mash_desk.synthetic.names import (
    ETHNICITY,
    GROUPS,
    LANGUAGES,
    MODERN_BOYS,
    MODERN_GIRLS,
    NamePool,
    NhsNumbers,
    Places,
    choose,
    feminine_surname,
    make_upn,
)
from mash_desk.synthetic.themes import Theme

ADULT_AGE = 18
# Share of children with an NHS number on the record (brief: about 70 %); the rest were
# logged before health could confirm it.
NHS_NUMBER_SHARE = 0.7
UPN_SHARE = 0.5
# Groups an unaccompanied asylum-seeking child's names come from.
_UASC_GROUPS = (("so_ar", 60), ("tr_TR", 20), ("en_IN", 20))


def years_before(day: date, years: int) -> date:
    """Return the same calendar day ``years`` earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class Kid:
    """A child (born or unborn) and what the generator remembers about them."""

    __slots__ = (
        "pid",
        "given",
        "family",
        "sex",
        "dob",
        "edd",
        "nhs",
        "upn",
        "disability",
        "fam",
        "last_referral",
        "open_until",
        "open_service",
        "awaiting",
        "consent",
    )

    def __init__(
        self,
        fam: Family,
        given: str,
        family: str,
        sex: str,
        dob: date | None,
        edd: date | None,
    ):
        self.fam = fam
        self.pid: int | None = None
        self.given = given
        self.family = family
        self.sex = sex
        # ``dob`` is the final date of birth (it may lie after a pre-birth contact); ``edd``
        # is set only for a child first met unborn.
        self.dob = dob
        self.edd = edd
        self.nhs: str | None = None
        self.upn: str | None = None
        self.disability = False
        self.last_referral: datetime | None = None
        self.open_until: date | None = None
        self.open_service: str | None = None
        # A referral still waiting for its decision (never two at once for one child), and the
        # child's latest recorded consent to share information (what an agency check cites).
        self.awaiting = False
        self.consent: str | None = None

    def born_by(self, day: date) -> bool:
        """Return whether the child is born on ``day``."""
        return self.dob is not None and self.dob <= day

    def age_on(self, day: date) -> int | None:
        """Return completed years on ``day``, or None while unborn."""
        if self.dob is None or self.dob > day:  # not born by then (born_by)
            return None
        return age_in_years(self.dob, day)

    def is_child_on(self, day: date) -> bool:
        """Return whether a contact on ``day`` can be about this person as a child."""
        if not self.born_by(day):
            return self.edd is not None and self.edd > day
        age = self.age_on(day)
        return age is not None and age < ADULT_AGE

    def open_on(self, day: date) -> bool:
        """Return whether the child is open to a service (or about to start one) on ``day``."""
        return self.open_until is not None and day <= self.open_until


class Adult:
    """A parent, carer or other adult in a family."""

    __slots__ = ("pid", "given", "family", "sex", "dob", "role", "pr")

    def __init__(self, given: str, family: str, sex: str, dob: date, role: str, pr: bool):
        self.pid: int | None = None
        self.given = given
        self.family = family
        self.sex = sex
        self.dob = dob
        self.role = role  # mother, father, carer or partner
        self.pr = pr


class Family:
    """A household: address, adults and children, and its name group."""

    __slots__ = (
        "hid",
        "address",
        "postcode",
        "group",
        "surname",
        "adults",
        "kids",
        "ethnicity",
        "language",
        "interpreter",
        "school",
        "surgery",
        "last_seen",
        "first_kid",
    )

    def __init__(self, group: str, surname: str, address: str, postcode: str):
        self.hid: int | None = None
        self.group = group
        self.surname = surname
        self.address = address
        self.postcode = postcode
        self.adults: list[Adult] = []
        self.kids: list[Kid] = []
        self.ethnicity = ""
        self.language = ""
        self.interpreter = False
        self.school = ""
        self.surgery = ""
        self.last_seen = date.min
        self.first_kid: Kid | None = None

    def mother(self) -> Adult | None:
        """Return the mother, if one is in the household."""
        return next((a for a in self.adults if a.role == "mother"), None)

    def partner(self) -> Adult | None:
        """Return the mother's partner who is not the children's father, if any."""
        return next((a for a in self.adults if a.role == "partner"), None)


class FamilyFactory:
    """Invents families, children and adults with the generator's seeded ``Random``."""

    def __init__(
        self,
        rng: random.Random,
        pools: dict[str, NamePool],
        places: Places,
        nhs_numbers: NhsNumbers,
        end: date,
    ):
        self.rng = rng
        self.pools = pools
        self.places = places
        self.nhs_numbers = nhs_numbers
        self.end = end
        self._groups = [g for g, _ in GROUPS]
        self._group_weights = [w for _, w in GROUPS]

    # --- names -----------------------------------------------------------------------------

    def _first(self, group: str, sex: str) -> str:
        """Return a child's first name."""
        rng = self.rng
        # Second-generation children often have English names whatever their parents' group.
        if group != "en_GB" and rng.random() < 0.2:
            group = "en_GB"
        if group == "en_GB" and rng.random() < 0.7:
            return rng.choice(MODERN_BOYS if sex == "male" else MODERN_GIRLS)
        pool = self.pools[group]
        return rng.choice(pool.male if sex == "male" else pool.female)

    def _dob(self, day: date, age: int) -> date:
        # A uniformly random day within the year of age, never today or later.
        return day - timedelta(days=int(age * 365.25) + self.rng.randrange(1, 365))

    # --- people ----------------------------------------------------------------------------

    def add_kid(self, fam: Family, day: date, age: int, sex: str | None = None) -> Kid:
        """Add a born child aged ``age`` on ``day`` to ``fam``."""
        rng = self.rng
        sex = sex or ("male" if rng.random() < 0.51 else "female")
        surname = fam.surname
        if sex == "female":
            surname = feminine_surname(surname, fam.group, married=False)
        kid = Kid(fam, self._first(fam.group, sex), surname, sex, self._dob(day, age), None)
        self._identifiers(kid)
        fam.kids.append(kid)
        return kid

    def add_unborn(self, fam: Family, day: date) -> Kid:
        """Add an unborn baby to ``fam``; it is born before ``end`` if its due date allows."""
        rng = self.rng
        # Pre-birth concerns arrive from the booking appointment to about 30 weeks
        # (planning must be done by 34 weeks, 001 L36), so delivery is 10–28 weeks away.
        edd = day + timedelta(days=rng.randint(70, 196))
        born = edd + timedelta(days=rng.randint(-21, 10))
        sex = "male" if rng.random() < 0.51 else "female"
        surname = fam.surname
        if sex == "female":
            surname = feminine_surname(surname, fam.group, married=False)
        dob = born if born <= self.end else None
        kid = Kid(fam, self._first(fam.group, sex), surname, sex, dob, edd)
        self._identifiers(kid)
        fam.kids.append(kid)
        return kid

    def _identifiers(self, kid: Kid) -> None:
        rng = self.rng
        if rng.random() < NHS_NUMBER_SHARE and (kid.dob is not None or kid.edd is None):
            kid.nhs = self.nhs_numbers.next()
        if kid.dob is not None and kid.dob.year + 5 <= self.end.year and rng.random() < UPN_SHARE:
            kid.upn = make_upn(rng, kid.dob.year + 5)

    def _adult(self, fam: Family, role: str, sex: str, age: int, day: date) -> Adult:
        rng = self.rng
        group = fam.group
        if role == "partner" and rng.random() < 0.4:
            group = rng.choices(self._groups, self._group_weights)[0]
        pool = self.pools[group]
        given = rng.choice(pool.male if sex == "male" else pool.female)
        if role == "father":
            surname = fam.surname
        elif role == "mother" and rng.random() < 0.75:
            surname = feminine_surname(fam.surname, group, married=True)
        else:
            surname = rng.choice(pool.family)
            if sex == "female":
                surname = feminine_surname(surname, group, married=role != "carer")
        pr = role in ("mother",) or (role == "father" and rng.random() < 0.75)
        if role == "carer":
            pr = rng.random() < 0.5
        adult = Adult(given, surname, sex, self._dob(day, age), role, pr)
        fam.adults.append(adult)
        return adult

    def add_partner(self, fam: Family, day: date) -> Adult:
        """Add the mother's partner (not the children's father) to ``fam``."""
        mother = fam.mother()
        base = mother.dob if mother else day - timedelta(days=30 * 365)
        age = max(ADULT_AGE, age_in_years(base, day) + self.rng.randint(-4, 8))
        return self._adult(fam, "partner", "male", age, day)

    # --- families --------------------------------------------------------------------------

    def new_family(self, day: date, theme: Theme, siblings: int) -> tuple[Family, list[Kid]]:
        """Invent a family met for the first time on ``day``; return it and the contact's kids.

        ``siblings`` is how many children the contact is about (1 to 4).
        """
        rng = self.rng
        group = choose(rng, _UASC_GROUPS if theme.alone else GROUPS)
        pool = self.pools[group]
        address, postcode = self.places.address()
        fam = Family(group, rng.choice(pool.family), address, postcode)
        fam.ethnicity = choose(rng, ETHNICITY[group])
        fam.language = choose(rng, LANGUAGES[group])
        fam.interpreter = fam.language != "English" and rng.random() < 0.35
        fam.school = rng.choice(self.places.schools)
        fam.surgery = rng.choice(self.places.surgeries)
        on_contact: list[Kid] = []
        if theme.alone:
            age = rng.randint(*theme.ages)
            kid = self.add_kid(fam, day, age, "male" if rng.random() < 0.85 else "female")
            return fam, [kid]
        ages: list[int] = []
        if not theme.unborn:
            index_age = rng.randint(*theme.ages)
            ages.append(index_age)
            while len(ages) < siblings:
                ages.append(min(17, max(0, index_age + rng.choice((-1, 1)) * rng.randint(1, 5))))
        elif siblings > 1:
            ages.extend(rng.randint(1, 12) for _ in range(siblings - 1))
        # Brothers and sisters not named on this contact can come up on later ones.
        latent = rng.choices((0, 1, 2), (60, 30, 10))[0]
        others = [rng.randint(0, 17) for _ in range(latent)]
        eldest = max(ages + others, default=0)
        mother_age = max(ADULT_AGE, eldest + rng.randint(18, 32), 19 if theme.unborn else 0)
        self._adult(fam, "mother", "female", mother_age, day)
        if rng.random() < 0.55:
            self._adult(fam, "father", "male", mother_age + rng.randint(0, 8), day)
        if rng.random() < 0.04:
            self._adult(fam, "carer", "female", mother_age + rng.randint(20, 30), day)
        if theme.unborn:
            on_contact.append(self.add_unborn(fam, day))
        for i, age in enumerate(ages):
            sex = "female" if theme.girls_only and i == 0 else None
            kid = self.add_kid(fam, day, age, sex)
            kid.disability = theme.disability and i == 0
            on_contact.append(kid)
        for age in others:
            self.add_kid(fam, day, age)
        return fam, on_contact
