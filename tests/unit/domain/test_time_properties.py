"""Properties of the slot and pacing searches, in a DST zone and in WIB."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.domain.model import PostingSlot
from scheduler.domain.pacing import Pacing, check_pacing, next_paced_instant
from scheduler.domain.slots import next_free_slot, slot_instants
from scheduler.domain.timezones import utc_to_local

U = UTC
ZONES = st.sampled_from(["Europe/Berlin", "Asia/Jakarta", "America/New_York"])
# Around both 2026 DST changes in Europe and the US.
INSTANT = st.sampled_from([datetime(2026, 3, 5, tzinfo=U), datetime(2026, 10, 22, tzinfo=U)]).flatmap(
    lambda base: st.integers(0, 14 * 24 * 60).map(lambda m: base + timedelta(minutes=m))
)
SLOT = st.builds(PostingSlot, st.integers(0, 6), st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45])))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(SLOT, min_size=1, max_size=5),
    ZONES,
    INSTANT,
    st.lists(st.integers(0, 21 * 24 * 4), max_size=20),
    st.sampled_from([0, 10, 60, 180]),
)
def test_next_free_slot_is_the_earliest_free_slot(slots, zone, after, taken_q, spacing_min) -> None:  # type: ignore[no-untyped-def]
    taken = [after + timedelta(minutes=15 * q) for q in taken_q]
    spacing = timedelta(minutes=spacing_min)
    got = next_free_slot(slots, zone, after, taken, spacing)
    assert got >= after
    assert all(abs(t - got) >= spacing and t != got for t in taken)
    # It is one of the slots' instants, and every earlier one is blocked.
    earlier = slot_instants(slots, zone, after, got + timedelta(microseconds=1))
    assert earlier and earlier[-1] == got
    for cand in earlier[:-1]:
        assert any(t == cand or abs(t - cand) < spacing for t in taken)
    # Its local wall time is a slot's time, or a gap time moved forward.
    local = utc_to_local(got, zone)
    assert any(s.weekday == local.weekday() for s in slots)


@settings(max_examples=60, deadline=None)
@given(
    ZONES, INSTANT, st.lists(st.integers(0, 7 * 24 * 12), max_size=40), st.sampled_from([0, 5, 30]), st.integers(1, 6)
)
def test_next_paced_instant_is_allowed_and_not_early(zone, wanted, taken_q, spacing_min, cap) -> None:  # type: ignore[no-untyped-def]
    taken = [wanted + timedelta(minutes=5 * q - 24 * 60) for q in taken_q]
    pacing = Pacing(timedelta(minutes=spacing_min), cap)
    got = next_paced_instant(wanted, taken, pacing, zone)
    assert got >= wanted
    assert check_pacing(got, taken, pacing, zone) is None
    if check_pacing(wanted, taken, pacing, zone) is None:
        assert got == wanted
