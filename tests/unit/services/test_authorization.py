"""Authorization matrix: role x own/other KIM x use case.

``ok`` means allowed; ``NF`` NotFound (another KIM's object: its existence
must not leak); ``NA`` NotAllowed (visible, but the role may not). Every
refusal writes nothing.
"""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from scheduler.domain.errors import NotAllowed, NotFound
from scheduler.domain.model import PostingSlot
from scheduler.services.accounts import manage as accounts
from scheduler.services.people import users
from scheduler.services.posts import compose as posts
from scheduler.services.posts import review
from scheduler.services.posts.content import TargetSpec
from scheduler.services.posts.scheduling import ScheduleIntent

HOUR = timedelta(hours=1)
ROLES = ["member_a", "admin_a", "member_b", "admin_b", "staff", "superadmin"]
ok, NF, NA = "ok", NotFound, NotAllowed


def _post(w, now, author="member_a2", state="draft"):
    post = posts.compose_post(
        w.uow,
        w.actor(author),
        kim_id=w.kim_a.id,
        text="Wisata Kampung",
        targets=[TargetSpec(w.x_a.id)],
        now=now,
        schedule=ScheduleIntent.at_instant(now + 2 * HOUR),
        submit=state != "draft",
    )
    if state == "approved":
        review.approve_post(w.uow, w.admin_a2, post.id, now=now)
    return post.id


# use case -> (prepare, act, expected outcome per role in ROLES order)
MATRIX = {
    "compose in KIM A": (
        lambda w, now: None,
        lambda w, a, now, _: posts.compose_post(
            w.uow,
            a,
            kim_id=w.kim_a.id,
            text="Halo",
            targets=[w.x_a.id],
            now=now,
            schedule=ScheduleIntent.at_instant(now + HOUR),
        ),
        [ok, ok, NF, NF, NA, ok],
    ),
    "read a KIM A post": (_post, lambda w, a, now, pid: posts.get_post(w.uow, a, pid), [ok, ok, NF, NF, ok, ok]),
    "list KIM A posts": (
        lambda w, now: None,
        lambda w, a, now, _: posts.list_posts(w.uow, a, w.kim_a.id),
        [ok, ok, NF, NF, ok, ok],
    ),
    "edit another member's draft": (
        _post,
        lambda w, a, now, pid: posts.edit_post(w.uow, a, pid, text="Ubah", now=now),
        [NA, ok, NF, NF, NA, ok],
    ),
    "submit another member's draft": (
        _post,
        lambda w, a, now, pid: review.submit_post(w.uow, a, pid, now=now),
        [NA, ok, NF, NF, NA, ok],
    ),
    "approve": (
        lambda w, now: _post(w, now, state="pending"),
        lambda w, a, now, pid: review.approve_post(w.uow, a, pid, now=now),
        [NA, ok, NF, NF, NA, ok],
    ),
    "reject": (
        lambda w, now: _post(w, now, state="pending"),
        lambda w, a, now, pid: review.reject_post(w.uow, a, pid, reason="Belum sesuai", now=now),
        [NA, ok, NF, NF, NA, ok],
    ),
    "reschedule": (
        lambda w, now: _post(w, now, state="approved"),
        lambda w, a, now, pid: review.reschedule_post(
            w.uow, a, pid, schedule=ScheduleIntent.at_instant(now + 5 * HOUR), now=now
        ),
        [NA, ok, NF, NF, NA, ok],
    ),
    "cancel an approved post": (
        lambda w, now: _post(w, now, state="approved"),
        lambda w, a, now, pid: review.cancel_post(w.uow, a, pid, now=now),
        [NA, ok, NF, NF, NA, ok],
    ),
    "connect an account to KIM A": (
        lambda w, now: None,
        lambda w, a, now, _: accounts.add_account(
            w.uow,
            a,
            kim_id=w.kim_a.id,
            platform="facebook",
            handle="kim.arjosari.page",
            credentials={"page_id": "1", "page_access_token": "t"},
            now=now,
        ),
        [NA, ok, NF, NF, NA, ok],
    ),
    "read a KIM A account": (
        lambda w, now: None,
        lambda w, a, now, _: accounts.get_account(w.uow, a, w.x_a.id),
        [ok, ok, NF, NF, ok, ok],
    ),
    "set slots of a KIM A account": (
        lambda w, now: None,
        lambda w, a, now, _: accounts.set_slots(w.uow, a, w.x_a.id, [PostingSlot(0, time(10, 0))], now=now),
        [NA, ok, NF, NF, NA, ok],
    ),
    "set pacing of a KIM A account": (
        lambda w, now: None,
        lambda w, a, now, _: accounts.set_pacing(w.uow, a, w.x_a.id, min_spacing_seconds=600, now=now),
        [NA, ok, NF, NF, NA, ok],
    ),
    "add a member to KIM A": (
        lambda w, now: None,
        lambda w, a, now, _: users.add_user(
            w.uow, a, email="baru@kim-arjosari.id", role="member", password="rahasia-123", kim_id=w.kim_a.id, now=now
        ),
        [NA, ok, NF, NF, ok, ok],
    ),
}

CASES = [(use, role, MATRIX[use][2][i]) for use in MATRIX for i, role in enumerate(ROLES)]


@pytest.mark.parametrize("use, role, expected", CASES, ids=[f"{u}-{r}" for u, r, _ in CASES])
def test_authorization_matrix(world, now, use, role, expected):
    prepare, act, _ = MATRIX[use]
    context = prepare(world, now)
    actor = world.actor(role)
    if expected == ok:
        act(world, actor, now, context)
        return
    before, commits = world.uow.snapshot(), world.uow.commits
    with pytest.raises(expected) as caught:
        act(world, actor, now, context)
    assert type(caught.value) is expected
    assert world.uow.commits == commits and world.uow.data == before


def test_author_may_withdraw_own_post_until_approved(world, now):
    pid = _post(world, now, author="member_a", state="pending")
    assert review.cancel_post(world.uow, world.member_a, pid, now=now).review_state == "canceled"
    approved = _post(world, now, author="member_a", state="approved")
    with pytest.raises(NotAllowed):
        review.cancel_post(world.uow, world.member_a, approved, now=now)


def test_not_found_messages_are_identical_for_missing_and_foreign_posts(world, now):
    pid = _post(world, now)
    with pytest.raises(NotFound) as foreign:
        posts.get_post(world.uow, world.member_b, pid)
    with pytest.raises(NotFound) as missing:
        posts.get_post(world.uow, world.member_b, 999_999)
    assert (foreign.value.code, foreign.value.message_en) == (missing.value.code, missing.value.message_en)
