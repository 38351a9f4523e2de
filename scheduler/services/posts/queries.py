"""Reading posts for the API: filtered, paged lists and a post with its attempts.

The list covers the KIMs the actor may see (its own KIM, or every KIM for
staff); filtering, counting and paging happen in the store
(``PostRepository.page``), so a Kominfo analyst listing the whole city
loads one page, not every post.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from scheduler.domain import input_checks as checks
from scheduler.domain.model import Post, PublishAttempt, ReviewState, TargetState
from scheduler.ports import AbstractUnitOfWork, PostQuery
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap, authorize
from scheduler.services.posts.loading import load_post, loaded

MAX_PER_PAGE = 200


@dataclass(frozen=True)
class PostPage:
    items: list[Post]
    total: int
    page: int
    per_page: int


def _state_filter(state: str | None) -> tuple[ReviewState | None, TargetState | None]:
    if not state:
        return None, None
    try:
        return ReviewState(state), None
    except ValueError:
        pass
    try:
        return None, TargetState(state)
    except ValueError:
        raise checks.invalid(
            "state", "unknown_state", f"Status '{state}' tidak dikenal.", f"Unknown state '{state}'."
        ) from None


def list_posts(
    uow: AbstractUnitOfWork,
    actor: Actor,
    *,
    kim_id: int | None = None,
    state: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    page: int = 1,
    per_page: int = 50,
) -> PostPage:
    """Posts the actor may see, newest first.

    ``state`` is a review state (draft, pending_approval, ...) or a target
    state (scheduled, published, failed, ...: posts with such a target);
    ``start``/``end`` bound the earliest scheduled instant of a post, ``[start, end)``.
    """
    review, target_state = _state_filter(state)
    checks.page_bounds(page, per_page, MAX_PER_PAGE)
    with uow:
        kim_ids: tuple[int, ...] | None
        if kim_id is not None:
            authorize(actor, Cap.READ_KIM, kim_id, what="kim")
            kim_ids = (kim_id,)
        elif actor.is_kim_bound:
            kim_ids = (actor.kim_id,) if actor.kim_id is not None else ()
        else:
            kim_ids = None  # staff: every KIM
        items, total = uow.posts.page(
            PostQuery(
                kim_ids=kim_ids,
                review=review,
                target_state=target_state,
                start=start,
                end=end,
                offset=(page - 1) * per_page,
                limit=per_page,
            )
        )
        return PostPage(items=[loaded(p) for p in items], total=total, page=page, per_page=per_page)


def get_post_with_attempts(
    uow: AbstractUnitOfWork, actor: Actor, post_id: int
) -> tuple[Post, dict[int, list[PublishAttempt]]]:
    """A post, its targets, and every publish attempt of each target (oldest first)."""
    with uow:
        post = loaded(load_post(uow, actor, post_id))
        attempts = {
            t.id: sorted(uow.attempts.list_for_target(t.id), key=lambda a: a.number)
            for t in post.targets
            if t.id is not None
        }
        return post, attempts
