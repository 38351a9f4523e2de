"""Read models for one post's page and for the compose form.

Built through the unit of work's repositories (the same tenancy checks as
the services: another KIM's post is "not found").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scheduler.domain.model import (
    Destination,
    EngagementSnapshot,
    Kim,
    MediaAsset,
    Post,
    PostTarget,
    Product,
    PublishAttempt,
    SocialAccount,
    SubjectKind,
    User,
)
from scheduler.domain.rules import rules_for
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap, authorize, not_found
from scheduler.services.posts.loading import load_post, loaded


@dataclass
class TargetDetail:
    target: PostTarget
    account: SocialAccount | None
    attempts: list[PublishAttempt]
    snapshots: list[EngagementSnapshot]

    @property
    def thread(self) -> list[ThreadPart]:
        """An X thread's stored parts, as they are published; empty unless there are several."""
        parts = self.target.thread_parts
        if len(parts) < 2 or self.account is None:
            return []
        rules = rules_for(self.account.platform)
        return [ThreadPart(part, rules.count_text(part), rules.text_limit) for part in parts]


@dataclass(frozen=True)
class ThreadPart:
    text: str
    count: int  # as the platform counts it (X: weighted)
    limit: int


@dataclass
class PostDetail:
    post: Post
    kim: Kim
    author: User | None
    reviewer: User | None
    media: list[MediaAsset]
    subject_label: str | None
    targets: list[TargetDetail] = field(default_factory=list)


def subject_label(uow: AbstractUnitOfWork, kind: SubjectKind | str | None, subject_id: int | None) -> str | None:
    """ "Keripik Tempe Bu Sri (UMKM Sanan)" / "Kampung Warna-Warni Jodipan" for a subject reference."""
    if not kind or not subject_id:
        return None
    if str(kind) == SubjectKind.PRODUCT.value:
        product = uow.subjects.get_product(subject_id)
        if product is None:
            return None
        umkm = uow.subjects.get_umkm(product.umkm_id)
        return f"{product.name} ({umkm.name})" if umkm else product.name
    destination = uow.subjects.get_destination(subject_id)
    return destination.name if destination else None


def post_detail(uow: AbstractUnitOfWork, actor: Actor, post_id: int) -> PostDetail:
    """A post with its KIM, people, media, subject, and every target's account, attempts and snapshots."""
    with uow:
        post = loaded(load_post(uow, actor, post_id))
        kim = uow.kims.get(post.kim_id)
        assert kim is not None
        by_id = {m.id: m for m in uow.media.get_many(post.media_ids)}
        detail = PostDetail(
            post=post,
            kim=kim,
            author=uow.users.get(post.author_id),
            reviewer=uow.users.get(post.reviewed_by) if post.reviewed_by else None,
            media=[by_id[i] for i in post.media_ids if i in by_id],
            subject_label=subject_label(uow, post.subject_kind, post.subject_id),
        )
        accounts: dict[int, SocialAccount | None] = {}
        for target in sorted(post.targets, key=lambda t: (t.occurrence, t.account_id)):
            if target.account_id not in accounts:
                accounts[target.account_id] = uow.accounts.get(target.account_id)
            tid = target.id or 0
            detail.targets.append(
                TargetDetail(
                    target,
                    accounts[target.account_id],
                    sorted(uow.attempts.list_for_target(tid), key=lambda a: a.number),
                    uow.snapshots.list_for_target(tid),
                )
            )
        return detail


@dataclass
class ComposeOptions:
    kim: Kim
    accounts: list[SocialAccount]
    products: list[tuple[Product, str]]  # (product, UMKM name)
    destinations: list[Destination]


def compose_options(uow: AbstractUnitOfWork, actor: Actor, kim_id: int) -> ComposeOptions:
    """What the compose form offers: the KIM's accounts, UMKM products and destinations."""
    authorize(actor, Cap.WRITE_POST, kim_id, what="kim")
    with uow:
        kim = uow.kims.get(kim_id)
        if kim is None:
            raise not_found("kim", "kim")
        products = []
        umkm_names: dict[int, str] = {}
        for product in uow.subjects.list_products(kim_id):
            if product.umkm_id not in umkm_names:
                umkm = uow.subjects.get_umkm(product.umkm_id)
                umkm_names[product.umkm_id] = umkm.name if umkm else ""
            products.append((product, umkm_names[product.umkm_id]))
        return ComposeOptions(
            kim, list(uow.accounts.list_by_kim(kim_id)), products, list(uow.subjects.list_destinations(kim_id))
        )
