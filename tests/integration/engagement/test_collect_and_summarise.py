"""Ground truth set in the sandbox == snapshots == summaries == exports, per platform and grouping.

Posts are published through the real connectors (tweepy, facebook-sdk,
instagrapi against the sandbox), then stored as published targets with a
chosen publication instant, so the WIB day boundary can be tested: a post at
00:30 WIB belongs to that WIB day although its UTC day is the day before.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from scheduler.domain.errors import NotAllowed, NotFound
from scheduler.domain.model import Role
from scheduler.services.people.actors import Actor


def utcnow() -> datetime:
    return datetime.now(UTC)


def wib(day: date, hour: int, minute: int = 0) -> datetime:
    """A WIB wall-clock time as a UTC instant."""
    return datetime.combine(day, time(hour, minute), ZoneInfo("Asia/Jakarta")).astimezone(UTC)


STAFF = Actor(user_id=None, role=Role.STAFF)
METRICS = ("likes", "comments", "shares", "views", "reach", "saves")


def normalised(platform: str, gt: dict[str, int]) -> dict[str, int | None]:
    """What Siar must store for ground truth ``gt`` on ``platform`` (docs/engagement.md)."""
    if platform == "x":
        return {
            "likes": gt["likes"],
            "comments": gt["comments"],
            "shares": gt["shares"] + gt["quotes"],
            "views": gt["views"],
            "reach": None,
            "saves": gt["bookmarks"],
        }
    if platform == "facebook":  # reactions, comments, shares; no Page insights by default
        return {
            "likes": gt["likes"],
            "comments": gt["comments"],
            "shares": gt["shares"],
            "views": None,
            "reach": None,
            "saves": None,
        }
    # Instagram photo: likes and comments from the feed; no shares, no views for a photo
    return {"likes": gt["likes"], "comments": gt["comments"], "shares": 0, "views": None, "reach": None, "saves": None}


def sandbox_id(post: dict[str, Any]) -> str:
    """The sandbox's post id (Instagram media ids are "pk_userid"; the sandbox keys on pk)."""
    return post["remote_id"].split("_")[0] if post["platform"] == "instagram" else post["remote_id"]


def truth(seed: int) -> dict[str, int]:
    return {
        "likes": 10 * seed + 1,
        "comments": seed + 2,
        "shares": seed + 3,
        "views": 500 * seed + 7,
        "reach": 300 * seed + 5,
        "saves": seed + 4,
        "quotes": seed % 3 + 1,
        "bookmarks": seed + 5,
        "clicks": seed,
    }


def inter(values: dict[str, int | None]) -> int:
    return sum(values[k] or 0 for k in ("likes", "comments", "shares", "saves"))


@pytest.fixture(scope="module")
def world(site: Any) -> dict[str, Any]:
    """The module's shared data; tests read it and never measure it again (see ``own_site``)."""
    return build_world(site)


def build_world(site: Any) -> dict[str, Any]:
    """Two KIMs, six posts on three platforms around a WIB midnight, measured twice.

    One clock for everything: ``now`` is read once, the rounds run at it, and "today" and
    every test's ``now=`` come from it (so a run across a WIB midnight cannot split them).
    """
    from scheduler.domain.engagement import local_day
    from scheduler.services.engagement.collection import refresh_round

    now = utcnow()
    ka, kb = site.kelurahan[0], site.kelurahan[-1]
    site.add_kim("kim-a", ka)
    site.add_kim("kim-b", kb)
    site.add_subjects("kim-a", ka)
    for name, kim, platform in (
        ("a_x", "kim-a", "x"),
        ("a_fb", "kim-a", "facebook"),
        ("a_ig", "kim-a", "instagram"),
        ("b_x", "kim-b", "x"),
    ):
        site.add_account(name, kim, platform)
    today = local_day(now, "Asia/Jakarta")
    d1, d2 = today - timedelta(days=3), today - timedelta(days=2)
    plan = [
        ("p1", "a_x", wib(d1, 23, 30), "product"),
        ("p2", "a_x", wib(d2, 0, 30), "destination"),  # UTC day is d1
        ("p3", "a_fb", wib(d1, 10), "product"),
        ("p4", "a_fb", wib(d2, 12), None),  # deleted on Facebook later
        ("p5", "a_ig", wib(d2, 20), "destination"),
        ("p6", "b_x", wib(d2, 9), None),
    ]
    posts: dict[str, dict[str, Any]] = {}
    for seed, (name, account, at, subject) in enumerate(plan, start=1):
        post = site.publish(account, f"Promo {name}: keripik tempe khas Malang, mampir ya! #{name}", at, subject)
        post["gt"] = truth(seed)
        site.sandbox.set_metrics(post["platform"], sandbox_id(post), **post["gt"])
        post["local_day"] = local_day(at, "Asia/Jakarta")
        posts[name] = post
    first_round = refresh_round(site.pipeline(clock=lambda: now))
    first = {n: normalised(p["platform"], p["gt"]) for n, p in posts.items()}

    # The platform changes: p1 grows, p4 is deleted on Facebook.
    posts["p1"]["gt"] = {**posts["p1"]["gt"], "likes": posts["p1"]["gt"]["likes"] + 40}
    site.sandbox.set_metrics("x", sandbox_id(posts["p1"]), **posts["p1"]["gt"])
    fb = site.accounts["a_fb"]
    from connectors.base import AccountRef

    site.registry.get("facebook").delete(
        AccountRef.from_credentials(fb["creds"], sandbox=True), posts["p4"]["remote_id"]
    )
    second_round = refresh_round(site.pipeline(clock=lambda: now), force=True)
    final = {n: normalised(p["platform"], p["gt"]) for n, p in posts.items()}
    final["p4"] = first["p4"]  # the last values seen before it went missing
    return {
        "posts": posts,
        "first": first,
        "final": final,
        "d1": d1,
        "d2": d2,
        "today": today,
        "now": now,
        "rounds": (first_round, second_round),
    }


def _snapshots(site: Any, target_id: int) -> list[Any]:
    from scheduler.store.tables import engagement_snapshots as S

    with site.engine.connect() as c:
        return list(c.execute(sa.select(S).where(S.c.target_id == target_id).order_by(S.c.id)))


def _target(site: Any, target_id: int) -> Any:
    from scheduler.store.tables import post_targets as T

    with site.engine.connect() as c:
        return c.execute(sa.select(T).where(T.c.id == target_id)).one()


def test_rounds_measure_every_post_and_mark_the_deleted_one(world):
    first, second = world["rounds"]
    assert (first.due, first.measured, first.missing, first.failed) == (6, 6, 0, 0)
    assert (second.measured, second.missing, second.failed, second.waiting_budget) == (5, 1, 0, 0)


def test_snapshots_equal_ground_truth_per_platform(site, world):
    for name, post in world["posts"].items():
        snaps = _snapshots(site, post["target_id"])
        assert len(snaps) == 2, name
        assert {m: getattr(snaps[0], m) for m in METRICS} == world["first"][name], name
        assert snaps[0].raw and not snaps[0].remote_missing
        if name == "p4":
            assert snaps[1].remote_missing is True
            assert all(getattr(snaps[1], m) is None for m in METRICS)  # not counted as zero
        else:
            assert {m: getattr(snaps[1], m) for m in METRICS} == world["final"][name], name
        target = _target(site, post["target_id"])
        assert {m: getattr(target, m) for m in METRICS} == world["final"][name], name
        assert target.remote_missing is (name == "p4")
        assert target.engagement_due_at is not None and target.metrics_captured_at is not None


def _expected(world: dict[str, Any], key_of: Any, names: list[str] | None = None) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"posts": 0, "interactions": 0, "missing": 0, "likes": 0, "views": 0, "iwv": 0}
    )
    for name, post in world["posts"].items():
        if names is not None and name not in names:
            continue
        values = world["final"][name]
        row = out[key_of(name, post)]
        row["posts"] += 1
        row["likes"] += values["likes"]
        row["interactions"] += inter(values)
        row["missing"] += name == "p4"
        if values["views"] is not None:
            row["views"] += values["views"]
            row["iwv"] += inter(values)
    return dict(out)


def _check(summary: Any, expected: dict[str, dict[str, Any]]) -> None:
    got = {r.key: r for r in summary.rows}
    assert set(got) == set(expected)
    for key, exp in expected.items():
        row = got[key]
        assert (row.posts, row.likes, row.interactions, row.missing) == (
            exp["posts"],
            exp["likes"],
            exp["interactions"],
            exp["missing"],
        ), key
        if exp["views"]:
            assert row.views == exp["views"]
            assert row.engagement_rate == pytest.approx(exp["iwv"] / exp["views"])
        else:
            assert row.views is None and row.engagement_rate is None


@pytest.mark.parametrize("group", ["platform", "kim", "kelurahan", "kecamatan", "subject", "category", "day"])
def test_summaries_match_ground_truth(site, world, group):
    from scheduler.services.engagement.summaries import engagement_summary

    kelurahan = {"kim-a": site.kelurahan[0], "kim-b": site.kelurahan[-1]}
    with site.engine.connect() as c:
        kecamatan = dict(c.execute(sa.text("SELECT code, kecamatan_code FROM kelurahan")).all())
    subject_ids = {k: f"{v[0]}:{v[1]}" for k, v in site.subjects.items()}
    category = {"product": "keripik", "destination": "wisata kampung"}
    key_of = {
        "platform": lambda n, p: p["platform"],
        "kim": lambda n, p: p["kim"],
        "kelurahan": lambda n, p: kelurahan[p["kim"]],
        "kecamatan": lambda n, p: kecamatan[kelurahan[p["kim"]]],
        "subject": lambda n, p: subject_ids.get(p["subject"], "-"),
        "category": lambda n, p: category.get(p["subject"], "-"),
        "day": lambda n, p: p["local_day"].isoformat(),
    }[group]
    summary = engagement_summary(site.engine, STAFF, group_by=group, first=world["d1"], last=world["today"])
    _check(summary, _expected(world, key_of))
    assert summary.missing == 1
    assert summary.captured_at is not None
    as_json = json.loads(json.dumps(summary.as_dict()))
    assert as_json["missing"] == 1 and len(as_json["rows"]) == len(summary.rows)
    assert as_json["total"]["posts"] == 6 and "views" in as_json["definitions"]["en"]


def test_wib_day_boundary(site, world):
    """00:30 WIB on d2 is 17:30 UTC on d1, and counts on d2; 23:30 WIB on d1 counts on d1."""
    from scheduler.services.engagement.summaries import engagement_summary

    p1, p2 = world["posts"]["p1"], world["posts"]["p2"]
    assert p2["published_at"].date() == world["d1"]  # UTC day
    assert p2["local_day"] == world["d2"] and p1["local_day"] == world["d1"]
    only_d1 = engagement_summary(site.engine, STAFF, group_by="day", first=world["d1"], last=world["d1"], platform="x")
    assert [(r.key, r.posts, r.interactions) for r in only_d1.rows] == [
        (world["d1"].isoformat(), 1, inter(world["final"]["p1"]))
    ]
    weekly = engagement_summary(site.engine, STAFF, group_by="week", first=world["d1"], last=world["d2"])
    assert sum(r.posts for r in weekly.rows) == 6


def test_growth_counts_what_was_gained_in_the_period(site, world):
    from scheduler.services.engagement.summaries import engagement_growth

    growth = engagement_growth(site.engine, STAFF, group_by="platform", first=world["today"], last=world["today"])
    got = {r.key: r.interactions for r in growth.current.rows}
    assert all(row["change"] is None for row in growth.as_dict()["current"]["rows"])
    expected = _expected(world, lambda n, p: p["platform"])
    # Every measurement happened today: everything was gained today (p4 keeps its first values).
    assert got == {k: v["interactions"] for k, v in expected.items()}
    assert growth.previous.rows == []


def test_exports_match_the_summaries(site, world, tmp_path):
    from openpyxl import load_workbook

    from scheduler.services.engagement.reports import build_report, to_csv, to_table, to_xlsx

    report = build_report(
        site.engine, STAFF, first=world["d1"], last=world["today"], groups=["platform", "kelurahan"], now=world["now"]
    )
    expected = _expected(world, lambda n, p: p["platform"])
    labels = {"x": "x", "facebook": "facebook", "instagram": "instagram"}

    data = to_csv(report)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "Kelompok / Group" in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    body = {r[0]: r for r in rows if r and r[0] in labels}
    for key, exp in expected.items():
        row = body[labels[key]]
        assert (int(row[1]), int(row[2]), int(row[8]), int(row[10])) == (
            exp["posts"],
            exp["likes"],
            exp["interactions"],
            exp["missing"],
        )
    x_rate = expected["x"]["iwv"] / expected["x"]["views"] * 100
    assert body["x"][9] == f"{x_rate:.2f}".replace(".", ",")
    assert body["facebook"][9] == ""  # no views known: no rate, not 0

    book = load_workbook(io.BytesIO(to_xlsx(report)))
    assert book.sheetnames == ["Info", "Platform", "Kelurahan"]
    info = {r[0]: r[1] for r in book["Info"].iter_rows(values_only=True) if r and r[0]}
    assert info["Data diambil / Data captured"].endswith("WIB")
    assert world["d1"].isoformat() in info["Periode / Period"]
    sheet = {r[0]: r for r in book["Platform"].iter_rows(min_row=2, values_only=True)}
    for key, exp in expected.items():
        assert (sheet[key][1], sheet[key][2], sheet[key][8], sheet[key][10]) == (
            exp["posts"],
            exp["likes"],
            exp["interactions"],
            exp["missing"],
        )
    assert sheet["x"][9] == pytest.approx(x_rate / 100)
    kel = {r[0] for r in book["Kelurahan"].iter_rows(min_row=2, values_only=True)}
    assert "Total" in kel and len(kel) == 3

    table = to_table(report)
    assert "== Platform / Platform ==" in table and str(expected["x"]["interactions"]) in table


def test_cli_report_and_refresh(own_site, tmp_path, monkeypatch):
    """Measures again: on a world of its own (another round on the module's world would give
    its posts a third snapshot, and test_snapshots_equal_ground_truth_per_platform counts two)."""
    from click.testing import CliRunner

    from config.settings import get_settings
    from scheduler.cli import main

    site, world = own_site, build_world(own_site)
    monkeypatch.setenv("SIAR_DATABASE_URL", site.url)
    monkeypatch.setenv("SIAR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SIAR_ENV", "test")
    monkeypatch.setenv("SIAR_SECRET_KEY", site.keys[0])
    monkeypatch.setenv("SIAR_SANDBOX_URL", site.sandbox.base_url)  # where the sandbox accounts' calls go
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        result = runner.invoke(main, ["engagement", "refresh", "--kim", "kim-a", "--now", "--json"])
        assert result.exit_code == 0, result.output
        round_ = json.loads(result.output.strip().splitlines()[-1])
        assert (round_["due"], round_["measured"], round_["missing"], round_["failed"]) == (5, 4, 1, 0)
        result = runner.invoke(main, ["engagement", "refresh", "--kim", "no-such-kim"])
        assert result.exit_code == 1 and "tidak ditemukan" in result.output
        out = tmp_path / "r.xlsx"
        result = runner.invoke(
            main,
            [
                "report",
                "engagement",
                "--from",
                world["d1"].isoformat(),
                "--to",
                world["today"].isoformat(),
                "--by",
                "platform,day",
                "--format",
                "xlsx",
                "-o",
                str(out),
            ],
        )
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
        result = runner.invoke(
            main,
            [
                "report",
                "engagement",
                "--from",
                world["d1"].isoformat(),
                "--to",
                world["today"].isoformat(),
                "--by",
                "kim",
                "--format",
                "table",
            ],
        )
        assert result.exit_code == 0, result.output
        assert "kim-a" in result.output.lower() or "KIM kim-a" in result.output
        bad = runner.invoke(main, ["report", "engagement", "--from", "2026-02-01", "--to", "2026-01-01"])
        assert bad.exit_code == 1 and "Galat" in bad.output
        bad = runner.invoke(
            main, ["report", "engagement", "--from", "2026-01-01", "--to", "2026-01-31", "--by", "planet"]
        )
        assert bad.exit_code == 1 and "Pengelompokan harus" in bad.output
    finally:
        get_settings.cache_clear()


def test_leaderboard_explains_itself(site, world):
    from scheduler.services.engagement.leaderboard import leaderboard

    board = leaderboard(site.engine, STAFF, first=world["d1"], last=world["today"])
    rows = {r.kim: r for r in board.rows if r.kim in ("kim-a", "kim-b")}
    a, b = rows["kim-a"], rows["kim-b"]
    a_posts = [n for n, p in world["posts"].items() if p["kim"] == "kim-a"]
    values = sorted(inter(world["final"][n]) for n in a_posts)
    assert a.rank == 1 and a.score.posts == 5
    assert a.score.median_interactions == values[len(values) // 2]
    assert b.rank is None and not b.score.eligible  # one post is not enough to be ranked
    assert "median" in board.formula["id"] and "median" in board.formula["en"]
    assert "Skor" in board.formula["id"] and "Score" in board.formula["en"]
    assert set(a.score.components) >= {"median_interactions", "consistency", "reach_component"}
    as_json = json.loads(json.dumps(board.as_dict()))
    assert as_json["formula"]["en"] == board.formula["en"]
    assert {"rank": 1, "kim": "kim-a"}.items() <= next(r for r in as_json["rows"] if r["kim"] == "kim-a").items()


def test_kim_bound_actors_see_only_their_kim(site, world):
    from scheduler.services.engagement.coverage import kelurahan_coverage
    from scheduler.services.engagement.leaderboard import leaderboard
    from scheduler.services.engagement.summaries import engagement_summary

    member_b = Actor(user_id=site.users["kim-b"], role=Role.MEMBER, kim_id=site.kims["kim-b"])
    summary = engagement_summary(site.engine, member_b, group_by="kim", first=world["d1"], last=world["today"])
    assert [r.key for r in summary.rows] == ["kim-b"]
    with pytest.raises(NotFound):
        engagement_summary(site.engine, member_b, group_by="kim", first=world["d1"], last=world["today"], kim="kim-a")
    board = leaderboard(site.engine, member_b, first=world["d1"], last=world["today"])
    assert [(r.kim, r.rank) for r in board.rows] == [("kim-b", None)]
    with pytest.raises(NotAllowed):
        kelurahan_coverage(site.engine, member_b, now=world["now"])


def test_coverage_top_posts_and_best_hours(site, world):
    from scheduler.services.engagement.coverage import kelurahan_coverage
    from scheduler.services.engagement.summaries import best_posting_hours, top_posts

    coverage = kelurahan_coverage(site.engine, STAFF, now=world["now"])
    assert coverage.total == 57 and coverage.with_kim >= 2
    assert len(json.loads(json.dumps(coverage.as_dict()))["rows"]) == 57
    by_code = {r.kelurahan_code: r for r in coverage.rows}
    assert by_code[site.kelurahan[0]].kim == "kim-a" and by_code[site.kelurahan[0]].status == "aktif"
    assert by_code[site.kelurahan[0]].published_recent == 5
    assert sum(1 for r in coverage.rows if r.status == "belum_ada_kim") == 57 - coverage.with_kim

    top = top_posts(site.engine, STAFF, first=world["d1"], last=world["today"], limit=3)
    best = max(world["posts"], key=lambda n: inter(world["final"][n]))
    assert top[0].target_id == world["posts"][best]["target_id"]
    assert [t.interactions for t in top] == sorted((t.interactions for t in top), reverse=True)

    hours = best_posting_hours(site.engine, STAFF, site.accounts["a_x"]["id"], now=world["now"], min_posts=1)
    assert {h.hour for h in hours} == {23, 0}
    assert hours[0].hour == (0 if inter(world["final"]["p2"]) > inter(world["final"]["p1"]) else 23)


def test_every_grouping_exports_to_every_format(site, world):
    from openpyxl import load_workbook

    from scheduler.services.engagement.reports import build_report, render
    from scheduler.store.summary_queries import GROUPS

    report = build_report(
        site.engine, STAFF, first=world["d1"], last=world["today"], groups=list(GROUPS), now=world["now"]
    )
    book = load_workbook(io.BytesIO(render(report, "xlsx")))
    assert len(book.sheetnames) == 1 + len(GROUPS) and "Produk-destinasi" in book.sheetnames
    for sheet in book.sheetnames[1:]:
        total = [r for r in book[sheet].iter_rows(values_only=True) if r[0] == "Total"]
        assert total and total[0][1] == 6 and total[0][10] == 1, sheet  # 6 posts, 1 missing
    intl = render(report, "csv", csv_dialect="intl").decode("utf-8-sig")
    blocks = [r for r in csv.reader(io.StringIO(intl)) if r and r[0] == "Total"]
    assert len(blocks) == len(GROUPS) and all(int(r[1]) == 6 for r in blocks)
    assert render(report, "table").decode().count("Total") == len(GROUPS)
