"""Invented front-door history for demos, training and benchmarks (never real people).

``generate`` fills an empty database with years of contacts, referrals, people and audit
entries at Harrow's volumes, with the daily MASH meeting's history (agency checks, meetings,
decisions, routings, strategy discussions, escalations) and a "today" of 20–25 referrals
awaiting the chair; ``ensure_demo_users`` creates the demo accounts.
"""

from mash_desk.synthetic.generate import GenerationReport, generate
from mash_desk.synthetic.users import DEMO_PRACTITIONER, ensure_demo_users

__all__ = ["DEMO_PRACTITIONER", "GenerationReport", "ensure_demo_users", "generate"]
