"""Back-filled history: what the demo KIMs published over the past weeks, with engagement.

The engagement pages and reports need something to show on the first
minute of a demo. These posts never went through a worker (they "happened"
before the demo existed), so they are written straight through the unit of
work: approved posts whose targets are ``published``, one publish attempt
each. Their engagement, read 1 h, 6 h, 1 day, 3 days and 7 days after
publication, is written by the engagement collector's own recorder
(``record_results``): snapshots, the latest values on the target and the
daily rollups the summaries read.

Their ``engagement_due_at`` is empty: collection of these old posts is over,
so the collector never asks the sandbox about remote ids it does not hold.
Numbers come from a seeded generator: the same seed gives the same history.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from connectors.base import Metrics
from scheduler.demo.images import sample_photo
from scheduler.demo.seeding import SeededKim, SeededSite, UowFactory
from scheduler.domain.engagement import RefreshPolicy
from scheduler.domain.model import (
    AttemptOutcome,
    Post,
    PostTarget,
    PublishAttempt,
    ReviewState,
    Role,
    ScheduleKind,
    TargetState,
    saved_id,
)
from scheduler.domain.timezones import get_zone, local_to_utc
from scheduler.services.engagement.recording import DueTarget, record_results
from scheduler.services.people.actors import Actor
from scheduler.services.posts.media import upload_media
from scheduler.store.tables import post_targets
from scheduler.store.unit_of_work import SqlAlchemyUnitOfWork

#: The history writes Core SQL beside the repositories: it needs the store's own unit of work.
StoreUowFactory = Callable[[], SqlAlchemyUnitOfWork]

ZONE = "Asia/Jakarta"
DAYS = 35
SNAPSHOT_AGES = (timedelta(hours=1), timedelta(hours=6), timedelta(days=1), timedelta(days=3), timedelta(days=7))
HALF_LIFE = timedelta(hours=6)
#: How much each platform's audience engages, relative to the others (made up, plausible).
PLATFORM_REACH = {"instagram": 1.3, "facebook": 1.0, "x": 0.6}

_EXTRA_TEXTS = (
    "Terima kasih warga {kel} yang sudah datang ke bazar UMKM akhir pekan kemarin! #UMKMMalang",
    "{what} tersedia lagi minggu ini. Pesan lewat {kim}. #ProdukLokal #Malang",
    "Kerja bakti dan lomba kebersihan kampung di {kel} berjalan meriah. #MalangBersih",
    "Yuk dukung produk lokal: {what}, buatan warga {kel}. #BanggaBuatanIndonesia",
    "Pelatihan foto produk untuk pelaku UMKM {kel} bersama KIM. #LiterasiDigital",
)


@dataclass(frozen=True)
class HistoryResult:
    posts: int
    targets: int
    snapshots: int


def _metrics(rng: random.Random, platform: str, weight: float, age: timedelta) -> dict[str, int]:
    """Engagement at ``age`` along the same saturating curve the sandbox uses."""
    share = 1.0 - 2.0 ** (-age / HALF_LIFE)
    views = rng.randint(300, 4000) * PLATFORM_REACH[platform] * weight
    likes = views * rng.uniform(0.03, 0.1)
    return {
        "views": int(views * share),
        "reach": int(views * 0.7 * share),
        "likes": int(likes * share),
        "comments": int(likes * 0.15 * share),
        "shares": int(likes * 0.08 * share),
        "saves": int(likes * 0.05 * share),
    }


def backfill(
    make_uow: StoreUowFactory,
    site: SeededSite,
    now: datetime,
    media_dir: Path,
    seed: int = 2024,
) -> HistoryResult:
    """Published posts over the past ``DAYS`` days for every KIM, with engagement snapshots."""
    rng = random.Random(seed)
    zone = get_zone(ZONE)
    posts = 0
    measured: list[tuple[DueTarget, float, int]] = []  # target, KIM weight, its own seed
    for kim in site.kims:
        weight = rng.uniform(0.5, 1.8)  # some KIMs are busier and better followed than others
        count = rng.randint(6, 14)
        photo_id = _photo(make_uow, kim, now, media_dir)
        with make_uow() as uow:
            for n in range(count):
                day = (now - timedelta(days=rng.randint(2, DAYS))).astimezone(zone)
                local = day.replace(
                    hour=rng.choice((7, 9, 12, 16, 19, 20)),
                    minute=rng.choice((0, 15, 30)),
                    second=0,
                    microsecond=0,
                    tzinfo=None,
                )
                published = local_to_utc(local, zone)
                photo = rng.random() < 0.6
                text, about = _text(kim, rng, n)
                subject = kim.subjects.get(about) if about else None
                post = Post(
                    kim_id=kim.id,
                    author_id=kim.member_id,
                    text=text,
                    review_state=ReviewState.APPROVED,
                    schedule_kind=ScheduleKind.AT,
                    schedule_at=published,
                    schedule_zone=ZONE,
                    reviewed_by=kim.admin_id,
                    reviewed_at=published - timedelta(hours=3),
                    created_at=published - timedelta(days=1),
                    updated_at=published,
                    subject_kind=subject[0] if subject else None,
                    subject_id=subject[1] if subject else None,
                    tags=[w.lstrip("#") for w in text.split() if w.startswith("#")],
                )
                uow.posts.add(post)
                uow.flush()
                if photo and photo_id is not None:
                    post.media_ids = [photo_id]
                platforms = ("x", "facebook", "instagram") if photo else ("x", "facebook")
                for platform in platforms:
                    if platform not in kim.accounts:
                        continue
                    at = published + timedelta(seconds=rng.randint(0, 90))
                    remote_id = f"riwayat-{platform}-{post.id}"
                    target = PostTarget(
                        account_id=kim.accounts[platform],
                        scheduled_at=published,
                        scheduled_zone=ZONE,
                        state=TargetState.PUBLISHED,
                        attempts=1,
                        remote_id=remote_id,
                        published_at=at,
                        created_at=post.created_at,
                        updated_at=at,
                    )
                    post.targets.append(target)
                    uow.flush()
                    uow.attempts.add(
                        PublishAttempt(
                            target_id=saved_id(target),
                            number=1,
                            started_at=at - timedelta(seconds=2),
                            finished_at=at,
                            outcome=AttemptOutcome.PUBLISHED,
                        )
                    )
                    measured.append(
                        (
                            DueTarget(
                                saved_id(target),
                                kim.accounts[platform],
                                platform,
                                remote_id,
                                at,
                                None,
                                False,
                                kim.id,
                                ZONE,
                                str(post.subject_kind) if post.subject_kind else None,
                                post.subject_id,
                            ),
                            weight,
                            rng.randrange(2**32),
                        )
                    )
                posts += 1
            uow.commit()
    snapshots = _record_engagement(make_uow, measured, now)
    return HistoryResult(posts, len(measured), snapshots)


def _record_engagement(make_uow: StoreUowFactory, measured: list[tuple[DueTarget, float, int]], now: datetime) -> int:
    """Snapshots, latest values and daily rollups through the engagement service's own
    recorder, in time order, as if the collector had read each post at those ages."""
    readings = sorted(
        (
            (target.published_at + age, target, weight, own_seed, age)
            for target, weight, own_seed in measured
            for age in SNAPSHOT_AGES
            if target.published_at + age <= now
        ),
        key=lambda r: (r[0], r[1].id),
    )
    policy = RefreshPolicy()
    with make_uow() as uow:
        conn = uow.connection()
        for captured, target, weight, own_seed, age in readings:
            values = _metrics(random.Random(own_seed), target.platform, weight, age)
            metrics = Metrics(raw={"source": "siar-demo-history"}, **values)
            record_results(conn, captured, [target], {target.remote_id: metrics}, policy)
        # Collection of these old posts is over: the collector must never ask the
        # sandbox about remote ids it does not hold.
        ids = [t.id for t, _, _ in measured]
        for start in range(0, len(ids), 500):
            conn.execute(
                sa.update(post_targets)
                .where(post_targets.c.id.in_(ids[start : start + 500]))
                .values(engagement_due_at=None)
            )
        uow.commit()
    return len(readings)


def _text(kim: SeededKim, rng: random.Random, n: int) -> tuple[str, str | None]:
    """A past post's text and the product or destination it promoted (None: neither)."""
    if n < len(kim.spec.posts) and rng.random() < 0.5:
        text, _photo, about = kim.spec.posts[n]
        return text, about
    products = [p.name for u in kim.spec.umkm for p in u.products]
    what = products[n % len(products)] if products else kim.spec.name
    template = rng.choice(_EXTRA_TEXTS)
    kel = kim.spec.name.replace("KIM ", "")
    text = template.format(kel=kel, what=what, kim=kim.spec.name)
    return text, (what if products and "{what}" in template else None)


def _photo(make_uow: UowFactory, kim: SeededKim, now: datetime, media_dir: Path) -> int | None:
    title = kim.spec.destinations[0].name if kim.spec.destinations else kim.spec.name
    data = sample_photo(title, f"{kim.spec.name} · arsip", kim.spec.colours, seed=f"{kim.spec.slug}:arsip")
    member = Actor(user_id=kim.member_id, role=Role.MEMBER, kim_id=kim.id)
    return upload_media(
        make_uow(), member, kim_id=kim.id, filename="arsip.jpg", data=data, now=now, media_dir=media_dir
    ).id
