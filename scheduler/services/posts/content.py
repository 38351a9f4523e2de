"""What a post's content may be: the checks that composing and editing share.

Targets (one per account, optionally with its own text), the accounts and media of the post's
KIM, what it promotes, tags and text, and the content checked against every target's platform
rules (all errors raised together). Nothing here opens a unit of work or writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scheduler.domain import input_checks as checks
from scheduler.domain.errors import InvalidInput, Problem
from scheduler.domain.model import MediaAsset, PostTarget, SocialAccount, SubjectKind
from scheduler.domain.rules import MediaInfo, check_content
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.people.authz import not_found

MAX_TEXT = 20_000  # far above every platform; the per-platform limit is checked by the rules
MAX_TAGS = 30


@dataclass(frozen=True)
class TargetSpec:
    """One account to publish on, optionally with its own text."""

    account_id: int
    text: str | None = None


@dataclass(frozen=True)
class SubjectRef:
    """What the post promotes: a UMKM product or a destination."""

    kind: SubjectKind
    id: int


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


#: An argument left out of an edit (None is a value: "no subject").
UNSET: Any = _Unset()


def target_specs(raw: Iterable[TargetSpec | Mapping[str, Any] | int]) -> list[TargetSpec]:
    """The targets asked for (specs, account ids or ``{"account_id", "text"}``): at least one, each account once."""
    specs: list[TargetSpec] = []
    for item in raw:
        if isinstance(item, TargetSpec):
            specs.append(item)
        elif isinstance(item, int):
            specs.append(TargetSpec(item))
        elif isinstance(item, Mapping) and isinstance(item.get("account_id"), int):
            specs.append(TargetSpec(item["account_id"], item.get("text")))
        else:
            raise checks.invalid(
                "targets", "invalid_target", "Tujuan unggahan tidak sah.", "A post target is not valid."
            )
    if not specs:
        raise checks.invalid(
            "targets",
            "targets_required",
            "Pilih minimal satu akun media sosial.",
            "Choose at least one social account.",
        )
    if len({s.account_id for s in specs}) != len(specs):
        raise checks.invalid(
            "targets",
            "duplicate_target",
            "Satu akun hanya boleh dipilih sekali.",
            "Each account can be chosen only once.",
        )
    return specs


def accounts_of(uow: AbstractUnitOfWork, kim_id: int, specs: list[TargetSpec]) -> dict[int, SocialAccount]:
    """The targets' accounts by id; another KIM's account is "not found"."""
    found: dict[int, SocialAccount] = {}
    for spec in specs:
        account = uow.accounts.get(spec.account_id)
        if account is None or account.kim_id != kim_id:  # another KIM's account: not found
            raise not_found("account", "targets")
        found[spec.account_id] = account
    return found


def media_of(uow: AbstractUnitOfWork, kim_id: int, media_ids: Sequence[int]) -> list[MediaAsset]:
    """The media of the KIM, in the order given, each once; another KIM's is "not found"."""
    ids = list(media_ids)
    if len(set(ids)) != len(ids):
        raise checks.invalid(
            "media_ids", "duplicate_media", "Media yang sama dilampirkan dua kali.", "The same media is attached twice."
        )
    by_id = {m.id: m for m in uow.media.get_many(ids)}
    for media_id in ids:
        asset = by_id.get(media_id)
        if asset is None or asset.kim_id != kim_id:
            raise not_found("media", "media_ids")
    return [by_id[i] for i in ids]


def subject_of(uow: AbstractUnitOfWork, kim_id: int, subject: SubjectRef | None) -> SubjectRef | None:
    """What the post promotes, if it is the city's or this KIM's; another KIM's is "not found"."""
    if subject is None:
        return None
    kind = SubjectKind(subject.kind)
    if kind == SubjectKind.PRODUCT:
        product = uow.subjects.get_product(subject.id)
        owner = uow.subjects.get_umkm(product.umkm_id) if product else None
        owner_kim = owner.kim_id if owner else None
        exists = owner is not None
    else:
        destination = uow.subjects.get_destination(subject.id)
        owner_kim = destination.kim_id if destination else None
        exists = destination is not None
    # Subjects without a KIM are shared city data; one bound to another KIM is not visible.
    if not exists or (owner_kim is not None and owner_kim != kim_id):
        raise not_found("subject", "subject")
    return SubjectRef(kind, subject.id)


def normal_tags(tags: Iterable[str]) -> list[str]:
    """Tags without ``#`` or blanks, each once (case-insensitive), at most ``MAX_TAGS``."""
    out: list[str] = []
    for tag in tags:
        clean = str(tag).strip().lstrip("#").strip()
        if clean and clean.lower() not in (t.lower() for t in out):
            out.append(clean[:100])
    if len(out) > MAX_TAGS:
        raise checks.invalid("tags", "too_many_tags", f"Paling banyak {MAX_TAGS} tag.", f"At most {MAX_TAGS} tags.")
    return out


def clean_text(text: str | None) -> str:
    """The post's text (``""`` if none), at most ``MAX_TEXT`` characters."""
    value = text if isinstance(text, str) else ""
    if len(value) > MAX_TEXT:
        raise checks.invalid("text", "text_too_long", "Teks terlalu panjang.", "The text is too long.")
    return value


def ids_of_media(media: Iterable[MediaAsset]) -> list[int]:
    """The ids of stored media, in order."""
    ids: list[int] = []
    for asset in media:
        assert asset.id is not None  # stored media
        ids.append(asset.id)
    return ids


def check_targets(
    targets: Iterable[tuple[PostTarget | TargetSpec, SocialAccount]],
    text: str,
    media: list[MediaAsset],
    as_thread: bool,
) -> list[list[str]]:
    """Every target's text and media against its platform; all errors raised together.

    Returns, target by target, the parts the check counted (an X thread's
    tweets): the target stores exactly these (``PostTarget.thread_parts``).
    """
    infos = [MediaInfo.from_asset(m) for m in media]
    problems: list[Problem] = []
    parts: list[list[str]] = []
    for target, account in targets:
        own = target.text if isinstance(target, TargetSpec) else target.text_override
        checked = check_content(account.platform, own if own is not None else text, infos, as_thread=as_thread)
        problems += checked.problems
        parts.append(list(checked.parts or ()))
    if any(p.is_error for p in problems):
        raise InvalidInput.from_problems(problems)
    return parts


def require_slots(accounts: Iterable[SocialAccount]) -> None:
    """'Next free slot' needs every chosen account to have posting slots."""
    bare = [f"@{a.handle}" for a in accounts if not a.slots]
    if bare:
        names = ", ".join(bare)
        raise checks.invalid(
            "schedule",
            "no_slots",
            f"Akun {names} belum punya jadwal posting rutin; pilih waktu sendiri.",
            f"Account(s) {names} have no posting slots yet; pick a time instead.",
        )
