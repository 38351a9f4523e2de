"""Sample posts for the next few minutes, written and approved the way people do it.

A KIM member composes and submits (``compose_post``), with a Pillow photo
uploaded through the media service; the KIM's admin approves
(``approve_post``), which schedules every target under the account's pacing.
Photo posts go to X, Facebook and Instagram; text-only posts to X and
Facebook (Instagram has no text-only posts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from scheduler.demo.images import sample_photo
from scheduler.demo.seeding import SeededKim, SeededSite, UowFactory
from scheduler.domain.model import ReviewState, Role, saved_id
from scheduler.domain.timezones import get_zone, local_to_utc
from scheduler.services.people.actors import Actor
from scheduler.services.posts.compose import compose_post
from scheduler.services.posts.content import SubjectRef
from scheduler.services.posts.media import upload_media
from scheduler.services.posts.review import approve_post
from scheduler.services.posts.scheduling import ScheduleIntent

ZONE = "Asia/Jakarta"
FIRST_AFTER = timedelta(seconds=20)
EVERY = timedelta(seconds=20)


@dataclass(frozen=True)
class Sample:
    """One sample post as it was scheduled."""

    post_id: int
    kim: str
    due_at: datetime
    platforms: tuple[str, ...]
    photo: bool
    review_state: ReviewState


def _subject(kim: SeededKim, about: str) -> SubjectRef | None:
    found = kim.subjects.get(about)
    return SubjectRef(*found) if found else None


def _compose(
    make_uow: UowFactory,
    kim: SeededKim,
    text: str,
    photo: bool,
    about: str,
    at: datetime,
    now: datetime,
    media_dir: Path,
    *,
    approve: bool,
) -> Sample:
    member = Actor(user_id=kim.member_id, role=Role.MEMBER, kim_id=kim.id)
    admin = Actor(user_id=kim.admin_id, role=Role.ADMIN, kim_id=kim.id)
    media_ids: list[int] = []
    if photo:
        data = sample_photo(
            about, f"{kim.spec.name} · Kota Malang", kim.spec.colours, seed=f"{kim.spec.slug}:{text[:20]}"
        )
        asset = upload_media(
            make_uow(), member, kim_id=kim.id, filename=f"{kim.spec.short}.jpg", data=data, now=now, media_dir=media_dir
        )
        media_ids.append(saved_id(asset))
    platforms = ("x", "facebook", "instagram") if photo else ("x", "facebook")
    targets = [kim.accounts[p] for p in platforms if p in kim.accounts]
    post = compose_post(
        make_uow(),
        member,
        kim_id=kim.id,
        text=text,
        targets=targets,
        schedule=ScheduleIntent.at_instant(at, ZONE),
        now=now,
        media_ids=media_ids,
        subject=_subject(kim, about),
        submit=True,
    )
    if approve:
        post = approve_post(make_uow(), admin, saved_id(post), now=now)
    due = min((t.scheduled_at for t in post.targets if t.scheduled_at), default=at)
    return Sample(saved_id(post), kim.spec.slug, due, platforms, photo, post.review_state)


def schedule_samples(
    make_uow: UowFactory,
    site: SeededSite,
    now: datetime,
    media_dir: Path,
    *,
    first_after: timedelta = FIRST_AFTER,
    every: timedelta = EVERY,
    stamp: bool = False,
) -> list[Sample]:
    """Approved sample posts, the first due ``first_after`` from now, then one every ``every``.

    ``stamp`` adds the local time to each text, so a second demo run does not
    repeat the first run's posts word for word (platforms refuse duplicates).
    """
    order: list[tuple[SeededKim, str, bool, str]] = []
    for round_ in range(max((len(k.spec.posts) for k in site.kims), default=0)):
        for kim in site.kims:
            if round_ < len(kim.spec.posts):
                order.append((kim, *kim.spec.posts[round_]))
    out = []
    for i, (kim, text, photo, about) in enumerate(order):
        at = now + first_after + i * every
        if stamp:
            local = at.astimezone(get_zone(ZONE))
            text = f"{text} ({local:%d/%m %H.%M} WIB)"
        out.append(_compose(make_uow, kim, text, photo, about, at, now, media_dir, approve=True))
    return out


def submit_for_review(make_uow: UowFactory, site: SeededSite, now: datetime, media_dir: Path) -> list[Sample]:
    """Two posts waiting for their admin's approval tomorrow at 09:00 WIB (for the web app)."""
    zone = get_zone(ZONE)
    tomorrow = (now.astimezone(zone) + timedelta(days=1)).replace(
        hour=9, minute=0, second=0, microsecond=0, tzinfo=None
    )
    at = local_to_utc(tomorrow, zone)
    out = []
    for kim in site.kims[:2]:
        about = kim.spec.destinations[0].name if kim.spec.destinations else kim.spec.subject_names[0]
        text = f"Besok pagi: {about} menunggu kunjungan Anda. Info lengkap di akun {kim.spec.name}. #WisataMalang"
        out.append(_compose(make_uow, kim, text, True, about, at, now, media_dir, approve=False))
    return out
