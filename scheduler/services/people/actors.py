"""Who is acting: the service layer's view of a signed-in user.

Services never look at a web session or a token; the web/API/CLI layer turns
those into an :class:`Actor` and passes it in. ``Actor.system()`` stands for
Siar itself (CLI run by the operator on the server, workers): it may do
everything and is recorded in the audit log with ``actor_id=None``.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.domain.model import Role, User


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    role: Role
    kim_id: int | None = None

    @classmethod
    def of(cls, user: User) -> Actor:
        """The actor for a loaded user."""
        return cls(user_id=user.id, role=Role(user.role), kim_id=user.kim_id)

    @classmethod
    def system(cls) -> Actor:
        """Siar itself: the operator's CLI and the workers."""
        return cls(user_id=None, role=Role.SUPERADMIN, kim_id=None)

    @property
    def is_kim_bound(self) -> bool:
        """Members and admins see only their own KIM."""
        return self.role in (Role.MEMBER, Role.ADMIN)
