"""What X receives for a thread is exactly what the validate API previewed (generated texts).

Each example: ``POST /api/v1/posts/validate`` previews the parts; the post is
saved, submitted and approved through the API; dispatch claims its X target
and the publish path sends it with the real tweepy connector to the sandbox
(a fresh sandbox account per example, so X's duplicate check never mixes
examples). The sandbox's tweets, followed along their reply chain, must be
the previewed parts, in order, character for character, and the target's
stored parts too.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, assume, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from siar_api_kit import future

from connectors.transport import Timeouts
from connectors.x import XConnector
from scheduler.services.publishing.dispatch import dispatch_due
from scheduler.services.publishing.publish import Outcome, publish_target
from scheduler.services.wiring import Pipeline, PipelineConfig
from scheduler.store.tables import social_accounts

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
EMOJI = st.sampled_from(["🙂", "🇮🇩", "👍🏽", FAMILY, "1\ufe0f\u20e3", "\u2764\ufe0f", "🍌"])
# Aksara Jawa: the assigned code points of U+A980..U+A9DF (letters, vowel signs, digits, pada).
JAVANESE = [chr(c) for c in range(0xA980, 0xA9E0) if c not in (0xA9CE, *range(0xA9DA, 0xA9DE))]
WORDS = st.sampled_from(
    [
        "Keripik",
        "tempe",
        "Sanan",
        "kopi",
        "Dampit",
        "Kampung",
        "Warna-Warni",
        "Jodipan,",
        "mampir!",
        "#KIMMalang",
        "@kimpolehan",
        "Rp15.000",
        "(promo)",
    ]
)
LONG_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=120, max_size=420)
JAVANESE_WORD = st.lists(st.sampled_from(JAVANESE), min_size=1, max_size=180).map("".join)
URL = st.builds(
    lambda path, bare: ("siar.id/" if bare else "https://kim.malangkota.go.id/") + path,
    st.text(alphabet="abcdefghij0123456789-_/?=&", max_size=300),
    st.booleans(),
)
TOKEN = st.one_of(
    WORDS, WORDS, WORDS, LONG_WORD, JAVANESE_WORD, URL, EMOJI, st.lists(EMOJI, min_size=2, max_size=6).map("".join)
)
SEPARATOR = st.sampled_from([" ", " ", " ", "  ", "\n", "\n\n", "\n\n\n", " \n "])
PARAGRAPH = st.lists(st.tuples(TOKEN, SEPARATOR), min_size=1, max_size=30).map(
    lambda pairs: "".join(w + s for w, s in pairs).strip()
)
TEXT = st.lists(PARAGRAPH, min_size=1, max_size=6).map("\n\n".join)


def _chain(posts: list[dict]) -> list[dict]:
    """The account's tweets from the one that replies to nothing, along their replies."""
    by_parent = {p["in_reply_to"]: p for p in posts if not p["deleted"]}
    assert len(by_parent) == len(posts), "every tweet answers a different one"
    chain, parent = [], None
    while parent in by_parent:
        chain.append(by_parent[parent])
        parent = chain[-1]["id"]
    return chain


def test_x_receives_exactly_the_previewed_parts(client, world, sandbox, engine, settings):
    member, admin = world.auth("member_a"), world.auth("admin_a")
    account_id = world.a.account_id
    with engine.begin() as conn:  # a training account: its requests go to the configured sandbox
        conn.execute(sa.update(social_accounts).where(social_accounts.c.id == account_id).values(sandbox=True))
    connector = XConnector(timeouts=Timeouts(connect=2.0, read=10.0), sandbox_url=sandbox.base_url)
    current: dict = {}
    pipeline = Pipeline(
        engine=engine,
        connector_for=lambda platform: connector,
        decrypt=lambda token: current["credentials"],  # the example's sandbox account
        media_root=settings.media_dir,
        config=PipelineConfig(),
        clock=lambda: current["now"],
    )

    @hypothesis_settings(
        max_examples=20,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(TEXT)
    def check(text: str) -> None:
        draft = {"text": text, "as_thread": True, "targets": [{"account_id": account_id}]}
        validated = client.post("/api/v1/posts/validate", json=draft, headers=member).json()
        assume(validated["ok"])  # e.g. more than 25 parts is refused; nothing to publish
        (preview,) = validated["previews"]
        parts = preview["parts"]
        assume(len(set(parts)) == len(parts))  # X refuses a tweet identical to an earlier one
        event("one part" if len(parts) == 1 else "2-4 parts" if len(parts) <= 4 else "5+ parts")

        created = client.post(
            "/api/v1/posts",
            headers=member,
            json={**draft, "submit": True, "schedule": {"at": future(1).isoformat(), "timezone": "Asia/Jakarta"}},
        )
        assert created.status_code == 201, created.text
        approved = client.post(f"/api/v1/posts/{created.json()['id']}/approve", headers=admin)
        assert approved.status_code == 200, approved.text
        (target,) = approved.json()["targets"]
        assert target["thread_parts"] == parts, "stored as previewed"

        handle = f"kim_{uuid.uuid4().hex[:10]}"
        current["credentials"] = sandbox.create_account("x", handle)
        current["now"] = datetime.fromisoformat(target["scheduled_at"]) + timedelta(seconds=1)
        sent: list[tuple[int, str]] = []
        dispatch_due(pipeline, lambda tid, token, eta: sent.append((tid, token)))
        assert [tid for tid, _ in sent] == [target["id"]]
        assert publish_target(pipeline, *sent[0]) is Outcome.PUBLISHED

        chain = _chain(sandbox.posts("x", handle))
        assert [tweet["text"] for tweet in chain] == parts
        published = client.get(f"/api/v1/posts/{created.json()['id']}", headers=member).json()
        assert published["targets"][0]["remote_id"] == chain[0]["id"]

    check()
