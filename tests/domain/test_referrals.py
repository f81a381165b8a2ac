"""Re-referral within 12 months (CIN census): a referral is never its own predecessor."""

from __future__ import annotations

from datetime import UTC, datetime

from mash_desk.domain.referrals import child_is_re_referred, is_re_referral, twelve_months_before

JAN = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
JUN = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
NEXT_FEB = datetime(2027, 2, 1, 10, 0, tzinfo=UTC)


def test_twelve_months_before_handles_29_february():
    assert twelve_months_before(datetime(2028, 2, 29, tzinfo=UTC)) == datetime(
        2027, 2, 28, tzinfo=UTC
    )


def test_a_referral_with_an_earlier_one_within_a_year_is_a_re_referral():
    assert is_re_referral(JUN, [JAN])
    assert not is_re_referral(NEXT_FEB, [JAN])
    assert not is_re_referral(JAN, [])


def test_the_only_referral_of_a_child_is_not_a_re_referral():
    assert not child_is_re_referred([JUN], JUN, open_front_door_work=False)
    assert child_is_re_referred([JAN, JUN], JUN, open_front_door_work=False)


def test_open_front_door_work_asks_about_the_referral_it_would_become():
    assert child_is_re_referred([JAN], JUN, open_front_door_work=True)
    assert not child_is_re_referred([JAN], NEXT_FEB, open_front_door_work=True)
