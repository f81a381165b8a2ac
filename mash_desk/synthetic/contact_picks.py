"""Who each contact is about: new families, known ones, open cases and re-referrals."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from mash_desk.synthetic.catalogue import (
    DISPOSITION_BY_LEVEL,
)
from mash_desk.synthetic.contact_rows import ContactRows
from mash_desk.synthetic.names import (
    choose,
)
from mash_desk.synthetic.people import Family, Kid
from mash_desk.synthetic.rates import (
    FAMILY_MEMORY,
    KNOWN_FAMILY_SHARE,
    KNOWN_FAMILY_SHARE_REFERRAL,
    ONE_DAY,
    ONE_YEAR,
    OPEN_CHILD_SHARE,
    RE_REFERRAL_TARGET,
    SIBLING_SHARE,
    SIBLING_SIZES,
)
from mash_desk.synthetic.themes import Theme


class ContactPicks(ContactRows):
    """Chooses the theme, level and children of each arriving contact, then writes it."""

    # --- choosing who a contact is about ----------------------------------------------------

    def _theme_for_age(self, age: int | None, *, serious: bool) -> Theme:
        """Return a theme that fits a child of ``age`` (None: unborn)."""
        rng = self.rng
        for _ in range(20):
            theme = rng.choices(self.themes, self.theme_weights)[0]
            if theme.alone or theme.girls_only:
                continue
            if serious and theme.levels[2] + theme.levels[3] == 0:
                continue
            if age is None:
                if theme.unborn:
                    return theme
                continue
            if not theme.unborn and theme.ages[0] <= age <= theme.ages[1]:
                return theme
        return self.themes[0]

    def _pick_open(self, day: date) -> Kid | None:
        rng = self.rng
        pool = self.open_kids
        for _ in range(6):
            if not pool:
                return None
            i = rng.randrange(len(pool))
            kid = pool[i]
            if not kid.open_on(day) or not kid.is_child_on(day) or not kid.born_by(day):
                pool[i] = pool[-1]
                pool.pop()
                continue
            return kid
        return None

    def _pick_rereferral(self, at: datetime) -> Kid | None:
        rng = self.rng
        recent = self.recent_referrals
        # Keep a day's margin so the new referral (made hours after receipt) is within 365 days.
        while recent and recent[0][0] < at - ONE_YEAR + ONE_DAY:
            recent.popleft()
        day = at.astimezone(self.tz).date()
        for _ in range(8):
            if not recent:
                return None
            when, kid = recent[rng.randrange(len(recent))]
            if (
                kid.last_referral == when
                and not kid.awaiting
                and when < at - timedelta(hours=2)
                and not kid.open_on(day)
                and kid.born_by(day)
                and kid.is_child_on(day)
            ):
                return kid
        return None

    def _pick_known(
        self, at: datetime, day: date, theme: Theme, referral: bool
    ) -> tuple[Family, Kid] | None:
        rng = self.rng
        # A referral meant as a first referral must not be about a child referred in the last
        # 12 months (that would be an unplanned re-referral); keep a margin for the outcome.
        recent = at - ONE_YEAR - timedelta(days=30)
        pool = self.families
        for _ in range(6):
            if not pool:
                return None
            i = rng.randrange(len(pool))
            fam = pool[i]
            if fam.last_seen < day - FAMILY_MEMORY or not any(k.is_child_on(day) for k in fam.kids):
                pool[i] = pool[-1]
                pool.pop()
                continue
            if theme.alone:
                return None
            if theme.unborn:
                mother = fam.mother()
                if mother is None or (day - mother.dob).days > 43 * 365:
                    continue
                if any(not k.born_by(day) for k in fam.kids):
                    continue
                return fam, self.factory.add_unborn(fam, day)
            for kid in fam.kids:
                age = kid.age_on(day)
                if (
                    age is not None
                    and theme.ages[0] <= age <= theme.ages[1]
                    and (not theme.girls_only or kid.sex == "female")
                    and not kid.open_on(day)
                    and not (
                        referral and kid.last_referral is not None and kid.last_referral > recent
                    )
                ):
                    return fam, kid
        return None

    def _siblings(self, fam: Family, chosen: list[Kid], day: date, want: int) -> list[Kid]:
        others = [k for k in fam.kids if k not in chosen and k.born_by(day) and k.is_child_on(day)]
        self.rng.shuffle(others)
        return chosen + others[: max(0, want - len(chosen))]

    def _want_rereferral(self) -> bool:
        # Error diffusion towards the target rate: re-referral contacts are chosen while the
        # running share of re-referrals is below 11.5 %, so short histories hit it too.
        deficit = RE_REFERRAL_TARGET * (self.referrals_made + 1) - self.counts["re_referrals"]
        return deficit > 0 and self.rng.random() < min(1.0, RE_REFERRAL_TARGET + deficit * 0.1)

    # --- one contact -------------------------------------------------------------------------

    def _contact(self, received: datetime) -> None:
        rng = self.rng
        day = received.astimezone(self.tz).date()
        ooh = not self.cal.is_open(received)
        want = 1
        if rng.random() < SIBLING_SHARE:
            want = int(choose(rng, [(str(n), w) for n, w in SIBLING_SIZES]))
        fam: Family | None = None
        kids: list[Kid] = []
        theme: Theme
        intent: str
        if rng.random() < OPEN_CHILD_SHARE and (kid := self._pick_open(day)) is not None:
            theme = self._theme_for_age(kid.age_on(day), serious=False)
            level = self._level(theme)
            intent = self._intent(theme, level)
            fam, kids = kid.fam, self._siblings(kid.fam, [kid], day, want)
        else:
            weights = self.ooh_theme_weights if ooh else self.theme_weights
            theme = rng.choices(self.themes, weights)[0]
            level = self._level(theme)
            intent = self._intent(theme, level)
            referral = intent == "referral"
            if referral and want == 1 and self.meetings.wants_siblings(received):
                # The demo day's agenda shows siblings discussed together (issue 5 item 2).
                want = 2
            if referral and not theme.unborn and self._want_rereferral():
                kid2 = self._pick_rereferral(received)
                if kid2 is not None:
                    theme = self._theme_for_age(kid2.age_on(day), serious=True)
                    level = max(3, self._level(theme))
                    fam, kids = kid2.fam, self._siblings(kid2.fam, [kid2], day, want)
            if not kids and rng.random() < (
                KNOWN_FAMILY_SHARE_REFERRAL if referral else KNOWN_FAMILY_SHARE
            ):
                found = self._pick_known(received, day, theme, referral)
                if found is not None:
                    fam, kids = found[0], self._siblings(found[0], [found[1]], day, want)
            if not kids:
                fam, kids = self.factory.new_family(day, theme, want)
                self.families.append(fam)
        assert fam is not None
        fam.last_seen = day
        self._write_contact(received, ooh, theme, level, intent, fam, kids)

    def _level(self, theme: Theme) -> int:
        return self.rng.choices((1, 2, 3, 4), theme.levels)[0]

    def _intent(self, theme: Theme, level: int) -> str:
        return choose(self.rng, theme.dispositions or DISPOSITION_BY_LEVEL[level])
