"""Loading a post for a use case or a read model, with the tenancy check every caller needs."""

from __future__ import annotations

from scheduler.domain.model import Post
from scheduler.ports import AbstractUnitOfWork
from scheduler.services.people.actors import Actor
from scheduler.services.people.authz import Cap, authorize, not_found


def load_post(uow: AbstractUnitOfWork, actor: Actor, post_id: int, *, lock: bool = False) -> Post:
    """A post visible to the actor; ``lock=True`` before changing its or its targets' state."""
    post = uow.posts.get_for_update(post_id) if lock else uow.posts.get(post_id)
    if post is None:
        raise not_found("post", "post")
    authorize(actor, Cap.READ_KIM, post.kim_id, what="post")  # other KIM -> NotFound
    return post


def loaded(post: Post) -> Post:
    """Touch lazy collections so the post stays readable after the unit of work closes."""
    list(post.media_ids)
    list(post.targets)
    return post
