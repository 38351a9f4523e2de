"""Start, publish, record: lease checks, the outbox rule, and the error taxonomy."""

from __future__ import annotations

from datetime import timedelta

import pytest

from connectors.base import Ambiguous, AuthExpired, RateLimited, Rejected, Transient
from scheduler.domain.model import AccountStatus, AttemptOutcome, TargetState
from scheduler.services.publishing.dispatch import dispatch_due
from scheduler.services.publishing.publish import Outcome, publish_target

S = TargetState


@pytest.fixture
def claimed(pipeline, world, outbox, clock):
    """One target of one account, claimed: (target_id, lease_token, account_id)."""
    acc = world.account()
    tid = world.target(acc, clock.now)
    dispatch_due(pipeline, outbox)
    ((sent_id, token, _),) = outbox.sent
    assert sent_id == tid
    return tid, token, acc


def test_success_records_remote_id_and_permalink(pipeline, world, connector, claimed, clock):
    tid, token, _ = claimed
    clock.advance(0.4)
    assert publish_target(pipeline, tid, token) is Outcome.PUBLISHED
    row = world.row(tid)
    assert (row.state, row.remote_id) == (S.PUBLISHED, "r1")
    assert row.permalink == "https://x.test/kimpurwantoro/status/r1"
    assert row.published_at == clock.now
    assert row.lease_token is None and row.attempts == 1
    assert row.content_fingerprint.startswith("c1:")
    (attempt,) = world.attempts(tid)
    assert (attempt.number, attempt.outcome) == (1, AttemptOutcome.PUBLISHED)
    assert attempt.finished_at == clock.now
    # The connector got the decrypted credentials and the post's text.
    account, content = connector.calls[0]
    assert account.credentials["token"] == "s3cret" and "s3cret" not in repr(account)
    assert content.text == "Keripik tempe Purwantoro"


def test_wrong_lease_is_a_no_op(pipeline, world, connector, claimed):
    tid, token, _ = claimed
    assert publish_target(pipeline, tid, "0" * 32) is Outcome.STALE
    assert connector.calls == []
    assert world.row(tid).state == S.QUEUED and world.attempts(tid) == []


def test_duplicate_message_publishes_once(pipeline, world, connector, claimed):
    tid, token, _ = claimed
    assert publish_target(pipeline, tid, token) is Outcome.PUBLISHED
    assert publish_target(pipeline, tid, token) is Outcome.STALE
    assert len(connector.calls) == 1 and len(world.attempts(tid)) == 1


def test_attempt_row_is_committed_before_the_connector_is_called(pipeline, connector, claimed):
    # FakeConnector.publish asserts it through its own connection; here we
    # also prove the check can fail: a fake with no attempt row raises.
    tid, token, _ = claimed
    publish_target(pipeline, tid, token)
    with pytest.raises(AssertionError, match="before the PublishAttempt"):
        connector.publish(*connector.calls[0])


def test_rate_limited_waits_and_pauses_the_account(pipeline, world, connector, claimed, clock, outbox):
    tid, token, acc = claimed
    other = world.target(acc, clock.now + timedelta(seconds=2))
    reset = clock.now + timedelta(minutes=15)
    connector.answers = [RateLimited(reset, code="rate_limited")]
    assert publish_target(pipeline, tid, token) is Outcome.RETRY_WAIT
    row = world.row(tid)
    assert (row.state, row.next_attempt_at, row.last_error_code) == (S.RETRY_WAIT, reset, "rate_limited")
    account = world.account_row(acc)
    assert (account.status, account.paused_until) == (AccountStatus.PAUSED, reset)
    assert world.attempts(tid)[0].outcome == AttemptOutcome.RATE_LIMITED
    clock.advance(60)
    assert dispatch_due(pipeline, outbox).claimed == []  # the account is paused
    clock.advance(15 * 60)
    claimed_now = {c.target_id for c in dispatch_due(pipeline, outbox).claimed}
    assert claimed_now & {tid, other}


def test_transient_backs_off_with_jitter_then_fails(pipeline, world, connector, claimed, clock, outbox):
    tid, token, _ = claimed
    connector.answers = [Transient(code="network_unreachable")] * 3
    assert publish_target(pipeline, tid, token) is Outcome.RETRY_WAIT
    row = world.row(tid)
    wait = (row.next_attempt_at - clock.now).total_seconds()
    assert row.state == S.RETRY_WAIT and 15 <= wait <= 30  # base 30 s, half jitter
    clock.advance(wait)
    (c,) = dispatch_due(pipeline, outbox).claimed
    assert publish_target(pipeline, tid, c.lease_token) is Outcome.RETRY_WAIT
    wait2 = (world.row(tid).next_attempt_at - clock.now).total_seconds()
    assert 30 <= wait2 <= 60
    clock.advance(wait2)
    (c,) = dispatch_due(pipeline, outbox).claimed
    assert publish_target(pipeline, tid, c.lease_token) is Outcome.FAILED  # max_attempts=3
    row = world.row(tid)
    assert row.state == S.FAILED and row.last_error_code == "too_many_attempts"
    assert "3 percobaan" in row.last_error_message
    assert [a.number for a in world.attempts(tid)] == [1, 2, 3]


def test_auth_expired_flags_the_account_and_holds_its_other_targets(pipeline, world, connector, claimed, clock, outbox):
    tid, token, acc = claimed
    held = world.target(acc, clock.now + timedelta(seconds=1))
    connector.answers = [AuthExpired(code="unauthorized")]
    assert publish_target(pipeline, tid, token) is Outcome.NEEDS_RECONNECT
    assert world.row(tid).state == S.NEEDS_RECONNECT
    account = world.account_row(acc)
    assert account.status == AccountStatus.NEEDS_RECONNECT
    (event,) = world.audit("account.needs_reconnect")
    assert event.detail["account_id"] == acc and event.target_id == tid
    clock.advance(5)
    assert dispatch_due(pipeline, outbox).claimed == []
    assert world.row(held).state == S.SCHEDULED  # held, not lost


def test_claimed_target_of_a_flagged_account_is_given_back(pipeline, world, connector, claimed):
    tid, token, acc = claimed
    with world.engine.begin() as c:
        from scheduler.store.tables import social_accounts as A

        c.execute(A.update().where(A.c.id == acc).values(status=AccountStatus.NEEDS_RECONNECT))
    assert publish_target(pipeline, tid, token) is Outcome.HELD
    assert connector.calls == [] and world.row(tid).state == S.SCHEDULED


def test_rejected_fails_with_the_members_message(pipeline, world, connector, claimed):
    tid, token, _ = claimed
    connector.answers = [Rejected("Teks terlalu panjang.", "Text too long.", code="too_long")]
    assert publish_target(pipeline, tid, token) is Outcome.FAILED
    row = world.row(tid)
    assert (row.state, row.last_error_code, row.last_error_message) == (S.FAILED, "too_long", "Teks terlalu panjang.")
    assert world.attempts(tid)[0].outcome == AttemptOutcome.REJECTED


@pytest.mark.parametrize("error", [Ambiguous(code="connection_lost"), RuntimeError("bug")])
def test_ambiguous_or_unexpected_becomes_unknown(pipeline, world, connector, claimed, error):
    tid, token, _ = claimed
    connector.answers = [error]
    assert publish_target(pipeline, tid, token) is Outcome.UNKNOWN
    row = world.row(tid)
    assert row.state == S.UNKNOWN and row.lease_token == token  # kept for reconcile
    assert world.attempts(tid)[0].outcome == AttemptOutcome.AMBIGUOUS


def test_unreadable_credentials_need_reconnect_without_a_call(pipeline, world, connector, claimed):
    tid, token, acc = claimed
    pipeline.decrypt = lambda token: (_ for _ in ()).throw(ValueError("bad token"))
    assert publish_target(pipeline, tid, token) is Outcome.NEEDS_RECONNECT
    assert connector.calls == []
    assert world.account_row(acc).status == AccountStatus.NEEDS_RECONNECT


def test_renewed_credentials_are_stored_encrypted(pipeline, world, connector, claimed):
    import json

    tid, token, acc = claimed
    pipeline.encrypt = lambda data: "enc:" + json.dumps(data, sort_keys=True)
    original = connector.publish

    def renewing(account, content):
        account.credentials_changed({**account.credentials, "session": "fresh"})
        return original(account, content)

    connector.publish = renewing
    assert publish_target(pipeline, tid, token) is Outcome.PUBLISHED
    stored = world.account_row(acc).credentials_encrypted
    assert stored.startswith("enc:") and json.loads(stored[4:])["session"] == "fresh"


def test_message_for_a_target_that_no_longer_exists_is_a_no_op(pipeline, connector):
    assert publish_target(pipeline, 987654, "f" * 32) is Outcome.STALE
    assert connector.calls == []
