"""What a contact says: its source and channel, and the referrer's narrative."""

from __future__ import annotations

from datetime import datetime

from mash_desk.synthetic.catalogue import (
    CHANNELS_BY_SOURCE,
    CLOSINGS,
    DEFAULT_CHANNELS,
    OPENERS,
    OUT_OF_HOURS_OPENER,
    OUT_OF_HOURS_SOURCES,
)
from mash_desk.synthetic.history_state import lower_first
from mash_desk.synthetic.names import (
    choose,
)
from mash_desk.synthetic.people import Family, Kid
from mash_desk.synthetic.rates import (
    MONTH_NAMES,
    WEEKDAY_NAMES,
)
from mash_desk.synthetic.screenings import ScreeningRows
from mash_desk.synthetic.themes import Theme


class ContactText(ScreeningRows):
    """Chooses a contact's source and channel; writes its narrative from the theme's sentences."""

    def _source(self, theme: Theme, ooh: bool) -> tuple[str, str]:
        rng = self.rng
        if theme.code == "private_fostering":
            return choose(rng, theme.sources), "private_fostering_notification"
        if ooh:
            night = [(s, w) for s, w in theme.sources if s in dict(OUT_OF_HOURS_SOURCES)]
            source = choose(rng, night) if night else "6"
            if source == "6" and rng.random() < 0.85:
                return source, "police_notification"
            return source, "out_of_hours_handover"
        source = choose(rng, theme.sources)
        return source, choose(rng, CHANNELS_BY_SOURCE.get(source, DEFAULT_CHANNELS))

    def _narrative(
        self,
        theme: Theme,
        source: str,
        channel: str,
        ooh: bool,
        received: datetime,
        fam: Family,
        kids: list[Kid],
        role: str,
        agency: str | None,
        referrer: str | None,
    ) -> str:
        rng = self.rng
        local = received.astimezone(self.tz)
        day = local.date()
        kid = kids[0]
        born = kid.born_by(day)
        mother = fam.mother()
        parent = rng.choice(
            [f"the {a.role}" for a in fam.adults if a.role in ("mother", "father", "carer")]
            or ["the carer"]
        )
        pronouns = {"male": ("he", "him", "his"), "female": ("she", "her", "her")}.get(
            kid.sex if born else "", ("they", "them", "their")
        )
        edd = kid.edd or day
        values = {
            "child": kid.given if born else "the unborn baby",
            "they": pronouns[0],
            "them": pronouns[1],
            "their": pronouns[2],
            "mother": mother.given if mother else "the mother",
            "parent": parent,
            "age": str(kid.age_on(day) or 0),
            "weeks": str(max(8, 40 - (edd - day).days // 7)),
            "day": f"{WEEKDAY_NAMES[local.weekday()]} {local.day} {MONTH_NAMES[local.month - 1]}",
            "ref": f"{rng.randint(1000, 9999)}/{local.day:02d}{MONTH_NAMES[local.month - 1][:3]}",
            "role": lower_first(role),
            "agency": agency or "the referrer's agency",
            "referrer": referrer or "The referrer",
        }
        key = "9" if source == "9" else source[0] if source[0] in "1236" else "other"
        if key == "2" and agency is None:
            key = "other"
        if channel in ("drop_in", "email") and key == "1":
            key = channel
        elif channel == "email" and key == "9":
            key = "9_email"
        opener = rng.choice(OPENERS[key])
        parts = [OUT_OF_HOURS_OPENER] if ooh and source != "6" else []
        parts.append(opener)
        if len(kids) > 1:
            names = [k.given if k.born_by(day) else "the unborn baby" for k in kids]
            parts.append(f"The contact is about {', '.join(names[:-1])} and {names[-1]}.")
        count = min(len(theme.sentences), rng.choice((1, 2, 2, 3)))
        parts.extend(rng.sample(theme.sentences, count))
        parts.append(rng.choice(CLOSINGS))
        sentences = []
        for part in parts:
            sentence = part.format_map(values)
            sentences.append(sentence[0].upper() + sentence[1:])
        return " ".join(sentences)
