"""Live checking of a draft while a member composes it: the same rules, no writes.

Returns the problems per target (each account's platform rules on the text
it will publish and the attached media) plus the problems of the schedule,
instead of raising on the first, and, for every target on a platform with
threads (X), the parts it will publish with their counts: the same parts the
target stores when the post is saved and the connector sends. Nothing is
stored and no audit event is written; the same rules refuse the post again
when it is saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from scheduler.domain.errors import DomainError, Problem
from scheduler.domain.model import MediaAsset, ScheduleKind
from scheduler.domain.rules import MediaInfo, check_content, rules_for
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap, authorize, not_found
from scheduler.services.posts import scheduling
from scheduler.services.posts.content import TargetSpec
from scheduler.services.posts.scheduling import ScheduleIntent


@dataclass(frozen=True)
class TargetProblem:
    account_id: int | None  # None: about the post as a whole (schedule, media)
    problem: Problem


@dataclass(frozen=True)
class TargetPreview:
    """What one target will publish, part by part, and each part's count (X: weighted)."""

    account_id: int
    parts: tuple[str, ...]
    counts: tuple[int, ...]


@dataclass
class DraftCheck:
    problems: list[TargetProblem] = field(default_factory=list)
    previews: list[TargetPreview] = field(default_factory=list)


def _as_problem(error: DomainError) -> Problem:
    return Problem(error.code, error.field, error.message_id, error.message_en)


def validate_draft(
    uow: AbstractUnitOfWork,
    actor: Actor,
    *,
    kim_id: int,
    text: str,
    targets: Sequence[TargetSpec],
    now: datetime,
    media_ids: Sequence[int] = (),
    as_thread: bool = False,
    schedule: ScheduleIntent | DomainError | None = None,
) -> DraftCheck:
    """Every problem of the draft (errors and warnings; none means it can be saved) and the
    parts each X target will publish.

    ``schedule`` may be the intent or the error met while reading it (reported as a problem).
    """
    authorize(actor, Cap.WRITE_POST, kim_id, what="kim")
    result = DraftCheck()
    found = result.problems
    if isinstance(schedule, DomainError):
        found.append(TargetProblem(None, _as_problem(schedule)))
        schedule = None
    elif schedule is not None:
        try:
            schedule = scheduling.check_intent(schedule, now)
        except DomainError as error:
            found.append(TargetProblem(None, _as_problem(error)))
            schedule = None
    if not targets:
        found.append(
            TargetProblem(
                None,
                Problem(
                    "targets_required",
                    "targets",
                    "Pilih minimal satu akun media sosial.",
                    "Choose at least one social account.",
                ),
            )
        )
    with uow:
        if uow.kims.get(kim_id) is None:
            raise not_found("kim", "kim")
        media: list[MediaAsset] = []
        by_id = {m.id: m for m in uow.media.get_many(list(media_ids))}
        for media_id in media_ids:
            asset = by_id.get(media_id)
            if asset is None or asset.kim_id != kim_id:
                found.append(
                    TargetProblem(
                        None, Problem("media_not_found", "media_ids", "Media tidak ditemukan.", "Media not found.")
                    )
                )
            else:
                media.append(asset)
        infos = [MediaInfo.from_asset(m) for m in media]
        for spec in targets:
            account = uow.accounts.get(spec.account_id)
            if account is None or account.kim_id != kim_id:
                found.append(
                    TargetProblem(
                        spec.account_id,
                        Problem(
                            "account_not_found",
                            "targets",
                            "Akun media sosial tidak ditemukan.",
                            "Social account not found.",
                        ),
                    )
                )
                continue
            body = spec.text if spec.text is not None else text
            checked = check_content(account.platform, body or "", infos, as_thread=as_thread)
            found.extend(TargetProblem(spec.account_id, problem) for problem in checked.problems)
            if checked.parts is not None:
                count = rules_for(account.platform).count_text
                result.previews.append(
                    TargetPreview(spec.account_id, checked.parts, tuple(count(part) for part in checked.parts))
                )
            if isinstance(schedule, ScheduleIntent) and schedule.kind == ScheduleKind.NEXT_SLOT and not account.slots:
                found.append(
                    TargetProblem(
                        spec.account_id,
                        Problem(
                            "no_slots",
                            "schedule",
                            f"Akun @{account.handle} belum punya jadwal posting rutin.",
                            f"Account @{account.handle} has no posting slots yet.",
                        ),
                    )
                )
    return result
