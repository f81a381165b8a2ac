"""The generator's volumes, shares and codes: how much history, and of what kind.

Rates cite the domain brief (§9) or the threshold guidance where they come from one; the
others are stated as assumptions next to their constants.
"""

from __future__ import annotations

from datetime import timedelta

from mash_desk.domain.enums import (
    ConsentPurpose,
    ConsentState,
    ContactOutcome,
    WorkStatus,
)
from mash_desk.domain.outcomes import SOCIAL_CARE_OUTCOMES
from mash_desk.domain.thresholds import ThresholdDocument
from mash_desk.services.threshold_store import shipped_documents

# --- volumes (domain brief §9) ---------------------------------------------------------------
CONTACTS_PER_YEAR = 9400
# Police notifications overnight and EDT handovers: 10–15 % of contacts arrive out of hours.
OUT_OF_HOURS_SHARE = 0.125
# England has about 253 working days a year (261 weekdays less 8 bank holidays).
WORKING_DAYS_PER_YEAR = 253
# Out-of-hours time a year: 16 h on each working day plus the whole of the other 112 days.
_OOH_HOURS = 16 * WORKING_DAYS_PER_YEAR + 24 * (365.25 - WORKING_DAYS_PER_YEAR)
OFFICE_PER_DAY = CONTACTS_PER_YEAR * (1 - OUT_OF_HOURS_SHARE) / WORKING_DAYS_PER_YEAR
OOH_PER_HOUR = CONTACTS_PER_YEAR * OUT_OF_HOURS_SHARE / _OOH_HOURS
# Harrow's monthly contacts ranged 733–787 (000 L535): a summer-holiday dip, an autumn-term
# peak. Normalised to average 1.
_SEASON_RAW = (1.03, 1.03, 1.04, 0.96, 1.03, 1.05, 1.0, 0.85, 1.06, 1.07, 1.05, 0.9)
SEASON = tuple(s * 12 / sum(_SEASON_RAW) for s in _SEASON_RAW)
# About 12 % of contacts are about a sibling group of 2–4 children sharing a household.
SIBLING_SHARE = 0.125
SIBLING_SIZES = ((2, 62), (3, 27), (4, 11))
# Re-referrals within 12 months: Harrow brought them down from 19 % to 11.5 % (000 L380).
RE_REFERRAL_TARGET = 0.115
# Contacts about a child already open to a service (forwarded to the allocated worker).
OPEN_CHILD_SHARE = 0.075
# Contacts about a family the front door has met before, but not a re-referral.
KNOWN_FAMILY_SHARE = 0.2
KNOWN_FAMILY_SHARE_REFERRAL = 0.1
# A family not heard of for this long is not picked for repeat contacts any more.
FAMILY_MEMORY = timedelta(days=6 * 365)
# Some children are re-rated as checks come back (RAG can be raised or lowered, §4).
RERATE_SHARE = 0.05
# Under-5s closed with NFA and no children's-centre offer: rare, and always with a reason.
NO_OFFER_SHARE = 0.1
EARLY_HELP_TAKE_UP = 0.65

# Work received in the last two working days before ``end`` is often still waiting for its
# decision (the brief's live demo queue: dozens of rows, some overdue, some due soon).
BACKLOG_WORKING_HOURS = 16
BACKLOG_SHARE = 0.5

# The last fortnight stays in memory until the end, however the months fall: the demo day's
# last meetings, and its checks, are settled once the whole history is known (``meetings``).
FINAL_BATCH_DAYS = 14

# Histories this long are written by a forked second process while this one invents the next
# month (shorter ones are not worth the process).
PROCESS_WRITER_YEARS = 0.5


def shipped_document() -> ThresholdDocument:
    """Return the shipped threshold document every invented screening applies.

    The one with the latest effective date (then version): history from before it took effect
    is screened with it too, as no older document is shipped.
    """
    return max(shipped_documents(), key=lambda d: (d.effective_from, d.version))


THRESHOLD_DOCUMENT, THRESHOLD_VERSION = shipped_document().key
# About 6–8 % of screenings choose a level one away from the document's suggestion (§3).
OVERRIDE_SHARE = 0.07
# One completed consistency-QA sample near the end (000 L374), as a QA officer would draw:
# the usual quarter's screenings, by the demo manager, on a working day of the last week.
QA_SAMPLE_SIZE = 40
QA_PERIOD = timedelta(days=91)
QA_MIN_YEARS = 0.25
# Screenings kept in memory as QA candidates: the period plus the week before the end.
QA_WINDOW = QA_PERIOD + timedelta(days=10)
# A re-rater agrees with the original level this often (a share drawn once per sample).
QA_AGREEMENT = (0.8, 0.9)

RAG_ORDER = ("green", "amber", "red")
ONE_DAY = timedelta(days=1)
ONE_YEAR = timedelta(days=365)
# Codes as plain strings: reading ``.value`` of an enum member on every row is slow.
OUTCOME_NFA = ContactOutcome.NFA.value
OUTCOME_ADVICE = ContactOutcome.ADVICE.value
OUTCOME_EARLY_HELP = ContactOutcome.EARLY_HELP.value
OUTCOME_CHILDRENS_CENTRE = ContactOutcome.CHILDRENS_CENTRE.value
OUTCOME_FORWARD = ContactOutcome.FORWARD_TO_WORKER.value
OUTCOME_REFERRAL = ContactOutcome.REFERRAL.value
SOCIAL_CARE_OUTCOME_CODES = frozenset(o.value for o in SOCIAL_CARE_OUTCOMES)
STATUS_OPEN = WorkStatus.OPEN.value
STATUS_CLOSED = WorkStatus.CLOSED.value
STATUS_REFERRED = WorkStatus.REFERRED.value
STATUS_AWAITING = WorkStatus.AWAITING_DECISION.value
# English day and month names, independent of the machine's locale (strftime is not).
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
CONSENT_TO_SHARE = ConsentPurpose.SHARE_INFORMATION.value
CONSENT_TO_EARLY_HELP = ConsentPurpose.EARLY_HELP.value
CONSENT_TO_ASSESSMENT = ConsentPurpose.ASSESSMENT.value
# Consent states by purpose and threshold level (§6): consent is mostly given; sharing
# without it ("overridden", with lawful basis and a manager's approval) happens at level 4,
# rarely at level 3; early help is consent-based, so never overridden.
EARLY_HELP_CONSENT_STATES = (
    (ConsentState.GIVEN.value, 82),
    (ConsentState.SOUGHT.value, 10),
    (ConsentState.REFUSED.value, 8),
)
CONSENT_BY_LEVEL = {
    4: (("given", 45), ("overridden", 33), ("not_sought", 12), ("sought", 6), ("refused", 4)),
    3: (("given", 72), ("sought", 10), ("refused", 8), ("not_sought", 7), ("overridden", 3)),
    2: (("given", 80), ("sought", 8), ("refused", 7), ("not_sought", 5)),
    1: (("given", 80), ("sought", 8), ("refused", 7), ("not_sought", 5)),
}
