"""Threshold screenings of each child, and the consistency-QA sample drawn from them."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from mash_desk.storage.models import (
    AssessmentIndicator,
    QaItem,
    QaSample,
    ThresholdAssessment,
)
from mash_desk.synthetic.audit_json import screened_json
from mash_desk.synthetic.catalogue import (
    LEVEL_LOWERED,
    LEVEL_RAISED,
    LEVEL_RATIONALES,
    QA_HIGHER,
    QA_LOWER,
)
from mash_desk.synthetic.people_rows import PeopleRows
from mash_desk.synthetic.rates import (
    ONE_DAY,
    OVERRIDE_SHARE,
    QA_AGREEMENT,
    QA_MIN_YEARS,
    QA_PERIOD,
    QA_SAMPLE_SIZE,
    THRESHOLD_DOCUMENT,
    THRESHOLD_VERSION,
)
from mash_desk.synthetic.themes import Theme


class ScreeningRows(PeopleRows):
    """Writes threshold assessments (some overridden) and the completed QA sample."""

    # --- threshold assessments ----------------------------------------------------------------

    def _assessment(
        self,
        kind: str,
        person_id: int,
        cc_id: int | None,
        suggested: int,
        level: int,
        rationale: str,
        ticked: list[int],
        user: int,
        at: datetime,
        referral_id: int | None = None,
    ) -> int:
        """Add one threshold assessment and its ticked indicators (as ``record_assessment``)."""
        aid = self._id(ThresholdAssessment)
        self.rows[ThresholdAssessment].append(
            {
                "id": aid,
                "kind": kind,
                "person_id": person_id,
                "contact_child_id": cc_id,
                "referral_id": referral_id,
                "document_id": THRESHOLD_DOCUMENT,
                "document_version": THRESHOLD_VERSION,
                "suggested_level": suggested,
                "chosen_level": level,
                "override": suggested != level,
                "rationale": rationale,
                "not_red_reason": None,
                "assessed_by": user,
                "assessed_at": at,
            }
        )
        ids = self.picker.ids
        self.rows[AssessmentIndicator].extend([(aid, ids[n]) for n in ticked])
        return aid

    def _one_level_off(self, level: int) -> int:
        """Return a level next to ``level`` (up or down, within the document's levels)."""
        picker = self.picker
        if level <= picker.lowest:
            return level + 1
        if level >= picker.highest:
            return level - 1
        return level + (1 if self.trng.random() < 0.5 else -1)

    def _screening(
        self,
        person_id: int,
        cc_id: int,
        theme: Theme,
        level: int,
        rationale: str,
        flags: frozenset[str],
        unborn: bool,
        user: int,
        at: datetime,
        rag: str,
    ) -> str:
        """Apply the threshold document to a child on a contact; return the level's rationale.

        ``level`` is the level chosen. Mostly it is the one the ticked indicators suggest; in
        an override the indicators suggest a level next to it and the rationale says why.
        """
        trng = self.trng
        suggested = level
        if trng.random() < OVERRIDE_SHARE:
            suggested = self._one_level_off(level)
            rationale = trng.choice(LEVEL_LOWERED if level < suggested else LEVEL_RAISED)
            self.counts["overrides"] += 1
        picker = self.picker
        ticked = picker.tick(trng, suggested, flags, theme.code, unborn)
        aid = self._assessment(
            "screening", person_id, cc_id, suggested, level, rationale, ticked, user, at
        )
        self.counts["screenings"] += 1
        if at >= self.qa_from:
            self.qa_candidates.append(
                (aid, person_id, cc_id, user, at, level, flags, theme.code, unborn)
            )
        ids, pathway_ids = picker.ids, picker.pathway_ids
        self._audit_json(
            at,
            user,
            "contact.screened",
            "contact_child",
            cc_id,
            person_id,
            screened_json(
                aid,
                THRESHOLD_DOCUMENT,
                THRESHOLD_VERSION,
                [ids[n] for n in ticked],
                suggested,
                level,
                suggested != level,
                [pathway_ids[p] for p in picker.raised(ticked)],
                rag,
            ),
        )
        return rationale

    def _qa_drawn_at(self) -> datetime | None:
        """When the QA sample is drawn: a working morning of the last week, time to re-rate."""
        trng = self.trng
        days = []
        for back in range(6, 0, -1):
            day = self.end_day - timedelta(days=back)
            hours = self.policy.working_hours.get(day.weekday())
            if hours is None or not self.cal.is_working_day(day):
                continue
            latest = self._local(day, hours.start) + timedelta(minutes=90)
            if self.cal.working_time_between(latest, self.end) >= timedelta(hours=8):
                days.append((day, hours.start))
        if not days:
            return None
        day, opens = trng.choice(days)
        return self._local(day, opens) + timedelta(minutes=trng.randint(15, 90))

    def _qa_sample(self) -> None:
        """Draw one consistency-QA sample of recent screenings and re-rate all of it blind.

        The draw is the service's (``QaService.draw_sample``): screening assessments made in
        the period, by id, sampled with ``random.Random(seed)``, so the stored seed gives the
        same items again. Each item is re-rated by a practitioner other than the screener.
        """
        if self.years < QA_MIN_YEARS or not self.qa_candidates:
            return
        drawn_at = self._qa_drawn_at()
        if drawn_at is None:
            return
        trng = self.trng
        tz = self.tz
        last = drawn_at.astimezone(tz).date() - ONE_DAY
        first = last - QA_PERIOD
        since = datetime.combine(first, time(), tz)
        until = datetime.combine(last + ONE_DAY, time(), tz)
        made = {c[0]: c for c in self.qa_candidates if since <= c[4] < until}
        if not made:
            return
        seed = (self.seed * 7919 + 2013) % 2**31
        ids = sorted(made)
        picked = random.Random(seed).sample(ids, min(QA_SAMPLE_SIZE, len(ids)))
        sample_id = self._write_qa_sample(drawn_at, first, last, len(picked), seed)
        # Re-ratings spread over the working time left, in the order of the sample.
        hours = self.cal.working_time_between(drawn_at, self.end) / timedelta(hours=1)
        offsets = sorted(trng.uniform(0.25, hours * 0.95) for _ in picked)
        share = trng.uniform(*QA_AGREEMENT)
        wrong = round(len(picked) * (1 - share)) if len(picked) >= 5 else 0
        differ = set(trng.sample(range(len(picked)), wrong))
        for position, (original, offset) in enumerate(zip(picked, offsets, strict=True), 1):
            at = self.cal.add_working_time(drawn_at, timedelta(hours=offset))
            at = min(at.replace(microsecond=0), self.end)
            self._qa_item(sample_id, position, made[original], at, position - 1 in differ)

    def _write_qa_sample(
        self, drawn_at: datetime, first: date, last: date, size: int, seed: int
    ) -> int:
        """Write the sample's row and its audit entry, as the QA officer's draw; return its id."""
        sample_id = self._id(QaSample)
        self.rows[QaSample].append(
            {
                "id": sample_id,
                "kind": "screening",
                "period_from": first,
                "period_to": last,
                "size": size,
                "seed": seed,
                "drawn_by": self.manager,
                "drawn_at": drawn_at,
            }
        )
        self._audit(
            drawn_at,
            self.manager,
            "qa.sample_drawn",
            "qa_sample",
            sample_id,
            None,
            kind="screening",
            period_from=first.isoformat(),
            period_to=last.isoformat(),
            size=size,
            seed=seed,
        )
        return sample_id

    def _qa_item(
        self, sample_id: int, position: int, made: tuple[Any, ...], at: datetime, differs: bool
    ) -> None:
        """Re-rate one sampled screening blind, by a practitioner other than its screener."""
        trng = self.trng
        original, person_id, cc_id, screener, _, level, flags, theme, unborn = made
        user = trng.choice([p for p in self.practitioners if p != screener])
        again = level
        if differs:
            again = self._one_level_off(level)
            rationale = trng.choice(QA_HIGHER if again > level else QA_LOWER)
        else:
            rationale = trng.choice(LEVEL_RATIONALES[again])
            self.counts["qa_agreed"] += 1
        ticked = self.picker.tick(trng, again, flags, theme, unborn)
        rerate = self._assessment("qa", person_id, cc_id, again, again, rationale, ticked, user, at)
        item_id = self._id(QaItem)
        self.rows[QaItem].append(
            {
                "id": item_id,
                "sample_id": sample_id,
                "position": position,
                "original_id": original,
                "rerate_id": rerate,
            }
        )
        self._audit(
            at,
            user,
            "qa.rerated",
            "qa_item",
            item_id,
            person_id,
            sample=sample_id,
            assessment=rerate,
            level=again,
            agreed=again == level,
        )
        self.counts["qa_items"] += 1
