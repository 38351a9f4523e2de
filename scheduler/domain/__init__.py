"""Siar's pure domain: entities, state machines, platform rules, time maths.

Imports nothing that does I/O (tests/unit/test_import_contract.py checks it)
and never reads a clock: every function that needs the time takes ``now``.

Where things are:

==================  ==========================================================
model.py            the entities (dataclasses mapped by scheduler/store)
errors.py           DomainError, InvalidInput, IllegalTransition, NotAllowed,
                    NotFound, Conflict; the Problem value (error | warning)
states.py           review and target state machines as explicit tables
outcomes.py         the pipeline's moves of a target: an answer, reconcile, sweep
rules/              per-platform content rules; validate_content(), check_content()
                    (problems and the parts published: an X thread's tweets)
tweet_text.py       X weighted length (twitter-text), split_thread()
hashtags.py         Unicode-aware hashtag extraction
timezones.py        zones, local <-> UTC with DST gap/overlap rules
slots.py            weekly posting slots, next_free_slot()
recurrence.py       RRULE expansion in local time, "setiap Senin 09:00"
pacing.py           per-account spacing and daily cap, platform defaults
scheduling.py       schedule validation and where an instant finally goes
fingerprint.py      content/text fingerprints for reconciliation
==================  ==========================================================
"""

from __future__ import annotations

from .errors import Conflict, DomainError, IllegalTransition, InvalidInput, NotAllowed, NotFound, Problem, errors_only
from .fingerprint import content_fingerprint, normalize_text, text_fingerprint
from .hashtags import count_hashtags, extract_hashtags
from .pacing import DEFAULT_PACING, Pacing, check_pacing, next_paced_instant, pacing_for
from .recurrence import occurrences, parse_rule, parse_simple_choice, weekly_rule
from .rules import RULES, MediaInfo, PlatformRules, rules_for, validate_content
from .scheduling import plan_instant, plan_next_slot, schedule_problems, validate_schedule
from .slots import next_free_slot, slot_instants
from .states import REVIEW_TRANSITIONS, TARGET_TRANSITIONS, review_transition, target_sources, transition
from .timezones import get_zone, local_to_utc, require_aware, utc_to_local
from .tweet_text import split_thread, x_weighted_length

__all__ = [
    "Conflict",
    "DomainError",
    "IllegalTransition",
    "InvalidInput",
    "NotAllowed",
    "NotFound",
    "Problem",
    "errors_only",
    "content_fingerprint",
    "normalize_text",
    "text_fingerprint",
    "count_hashtags",
    "extract_hashtags",
    "DEFAULT_PACING",
    "Pacing",
    "check_pacing",
    "next_paced_instant",
    "pacing_for",
    "occurrences",
    "parse_rule",
    "parse_simple_choice",
    "weekly_rule",
    "RULES",
    "MediaInfo",
    "PlatformRules",
    "rules_for",
    "validate_content",
    "plan_instant",
    "plan_next_slot",
    "schedule_problems",
    "validate_schedule",
    "next_free_slot",
    "slot_instants",
    "REVIEW_TRANSITIONS",
    "TARGET_TRANSITIONS",
    "review_transition",
    "target_sources",
    "transition",
    "get_zone",
    "local_to_utc",
    "require_aware",
    "utc_to_local",
    "split_thread",
    "x_weighted_length",
]
