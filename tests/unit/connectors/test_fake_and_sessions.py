"""FakeConnector controls, and the Instagram session rule for a create that meets a dead session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from instagrapi import exceptions as ig

from connectors.base import AccountRef, Content, Metrics, Missing
from connectors.errors import Ambiguous, AuthExpired, Transient
from connectors.fake import FakeConnector
from connectors.instagram import InstagramConnector

NOW = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)


def _account(token: str = "fake-token") -> AccountRef:
    return AccountRef("fake", "kim_oro_oro_dowo", {"token": token})


def test_fake_applied_then_ambiguous_is_found_by_find_recent():
    fake = FakeConnector(clock=lambda: NOW)
    fake.fail_next(Ambiguous(code="connection_lost"), applied=True)
    with pytest.raises(Ambiguous):
        fake.publish(_account(), Content("Wisata Kampung Tridi"))
    found = fake.find_recent(_account(), NOW - timedelta(minutes=1))
    assert [p.text for p in found] == ["Wisata Kampung Tridi"]
    assert fake.calls["publish"] == 1


def test_fake_metrics_missing_and_auth():
    fake = FakeConnector(clock=lambda: NOW)
    result = fake.publish(_account(), Content("Kopi Dampit"))
    fake.set_metrics(result.remote_id, Metrics(likes=5))
    metrics = fake.fetch_metrics(_account(), [result.remote_id, "nope"])
    assert metrics[result.remote_id].likes == 5 and isinstance(metrics["nope"], Missing)
    assert not fake.check(_account("salah")).ok
    with pytest.raises(AuthExpired):
        fake.publish(_account("salah"), Content("x"))


def test_instagram_create_meeting_a_dead_session_renews_it_and_is_not_resent(monkeypatch):
    connector = InstagramConnector()
    renewed: list[str] = []
    monkeypatch.setattr(connector, "_relogin", lambda account, cl: renewed.append(account.handle))
    sent: list[int] = []

    def configure():
        sent.append(1)
        raise ig.LoginRequired(message="login_required")

    with pytest.raises(Transient) as caught:
        connector._run(AccountRef("instagram", "kim_a", {}), object(), configure, create=True)
    assert caught.value.code == "session_renewed"
    assert sent == [1] and renewed == ["kim_a"]


def test_instagram_read_meeting_a_dead_session_is_repeated_once(monkeypatch):
    connector = InstagramConnector()
    monkeypatch.setattr(connector, "_relogin", lambda account, cl: None)
    answers = iter([ig.LoginRequired(message="login_required"), ["ok"]])

    def read():
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert connector._run(AccountRef("instagram", "kim_a", {}), object(), read, create=False) == ["ok"]


def test_facebook_retry_at_from_business_use_case_usage():
    import json

    from connectors.facebook_errors import retry_at_from_usage

    buc = {
        "1234": [
            {
                "type": "pages",
                "call_count": 100,
                "total_cputime": 40,
                "total_time": 35,
                "estimated_time_to_regain_access": 17,
            }
        ]
    }
    headers = {"x-business-use-case-usage": json.dumps(buc), "x-app-usage": json.dumps({"call_count": 100})}
    assert retry_at_from_usage(headers, NOW) == NOW + timedelta(minutes=17)
    assert retry_at_from_usage({"x-app-usage": '{"call_count": 100}'}, NOW) == NOW + timedelta(hours=1)
    assert retry_at_from_usage({"x-page-usage": "not json"}, NOW) == NOW + timedelta(hours=1)
