"""Per-platform content rules and the validator members see while composing.

``validate_content(platform, text, media, as_thread)`` returns every
:class:`~scheduler.domain.errors.Problem` (errors block, warnings inform);
``InvalidInput.from_problems`` turns the errors into one exception.
``check_content`` returns the problems together with the parts the platform
publishes (an X thread's tweets), computed once by the same rules.
"""

from __future__ import annotations

from ..errors import InvalidInput, Problem
from ..model import Platform
from .base import AspectRule, Checked, MediaInfo, MediaKindRules, PlatformRules, utf16_length
from .facebook import FACEBOOK_RULES
from .instagram import INSTAGRAM_RULES
from .x import X_RULES

RULES: dict[Platform, PlatformRules] = {
    Platform.X: X_RULES,
    Platform.FACEBOOK: FACEBOOK_RULES,
    Platform.INSTAGRAM: INSTAGRAM_RULES,
}


def rules_for(platform: Platform | str) -> PlatformRules:
    """The rules of ``platform``; InvalidInput naming ``platform`` if it is unknown."""
    try:
        return RULES[Platform(platform)]
    except ValueError:
        raise InvalidInput(
            "unknown_platform",
            f"Platform \u201c{platform}\u201d tidak dikenal. Pilih X, Facebook, atau Instagram.",
            f"Unknown platform \u201c{platform}\u201d. Choose X, Facebook or Instagram.",
            field="platform",
        ) from None


def validate_content(
    platform: Platform | str, text: str, media: list[MediaInfo], as_thread: bool = False
) -> list[Problem]:
    """Every problem of ``text`` + ``media`` on ``platform`` (empty list: all good).

    ``as_thread`` lets X split an over-long text into a thread (ignored by the
    platforms that have no threads).
    """
    return rules_for(platform).validate(text, list(media), as_thread=as_thread)


def check_content(platform: Platform | str, text: str, media: list[MediaInfo], as_thread: bool = False) -> Checked:
    """The problems of ``text`` + ``media`` on ``platform`` and the parts it publishes."""
    return rules_for(platform).check(text, list(media), as_thread=as_thread)


__all__ = [
    "RULES",
    "rules_for",
    "validate_content",
    "check_content",
    "Checked",
    "MediaInfo",
    "PlatformRules",
    "MediaKindRules",
    "AspectRule",
    "utf16_length",
    "X_RULES",
    "FACEBOOK_RULES",
    "INSTAGRAM_RULES",
]
