"""Engagement maths: refresh schedule, call budgets, rates, local days, leaderboard score.

Pure: no I/O, no clock (``now`` is always an argument), no import of the
store, services or connectors. docs/engagement.md explains the choices.

Vocabulary
----------
* *interactions* of a post = likes (reactions) + comments (replies) + shares
  (retweets + quotes) + saves (bookmarks), counting a metric the platform does
  not give as 0. Views/impressions and reach are audience, not interactions.
* *engagement rate* = sum of interactions / sum of views, taken only over the
  posts whose views are known (Facebook without Page insights gives none), so
  a platform without views neither inflates nor dilutes the rate. ``None``
  when no post in the group has views.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from statistics import median

from scheduler.domain.timezones import get_zone

UTC = UTC

# -- the decaying refresh schedule -------------------------------------------


@dataclass(frozen=True)
class RefreshStep:
    """Refresh every ``every`` while the post is younger than ``until``."""

    until: timedelta
    every: timedelta


@dataclass(frozen=True)
class RefreshPolicy:
    """When a published post's metrics are read again.

    Engagement grows fastest right after publication, so young posts are read
    often and old ones rarely: every 15 min in the first 6 h, hourly up to 2
    days, daily up to 14 days, weekly afterwards, and never again after
    ``max_age`` (90 days by default). A post missing on the platform is
    re-checked at ``missing_every`` (it may come back: hidden, not deleted).
    """

    steps: tuple[RefreshStep, ...] = (
        RefreshStep(timedelta(hours=6), timedelta(minutes=15)),
        RefreshStep(timedelta(days=2), timedelta(hours=1)),
        RefreshStep(timedelta(days=14), timedelta(days=1)),
    )
    after: timedelta = timedelta(days=7)
    max_age: timedelta = timedelta(days=90)
    missing_every: timedelta = timedelta(days=1)

    def __post_init__(self) -> None:
        if self.max_age <= timedelta(0):
            raise ValueError("max_age must be positive")
        previous = timedelta(0)
        for step in self.steps:
            if step.until <= previous or step.every <= timedelta(0):
                raise ValueError("steps must have increasing 'until' and positive 'every'")
            previous = step.until
        if self.after <= timedelta(0) or self.missing_every <= timedelta(0):
            raise ValueError("'after' and 'missing_every' must be positive")

    @classmethod
    def with_max_age_days(cls, days: int) -> RefreshPolicy:
        """The default schedule stopping after ``days`` days."""
        return cls(max_age=timedelta(days=days))


def refresh_interval(age: timedelta, policy: RefreshPolicy) -> timedelta | None:
    """How long to wait before the next read of a post this old (None: stop)."""
    if age >= policy.max_age:
        return None
    for step in policy.steps:
        if age < step.until:
            return step.every
    return policy.after


def next_refresh_at(
    published_at: datetime, now: datetime, policy: RefreshPolicy, *, missing: bool = False
) -> datetime | None:
    """When to read a post next, after reading it at ``now``; None once it is too old.

    The last read happens at ``published_at + max_age`` so the final figures
    are the 90-day figures, not whatever the weekly step last saw.
    """
    age = now - published_at
    interval = refresh_interval(max(age, timedelta(0)), policy)
    if interval is None:
        return None
    if missing:
        interval = max(interval, policy.missing_every)
    due = now + interval
    return min(due, published_at + policy.max_age)


# -- call budgets ----------------------------------------------------------------


@dataclass(frozen=True)
class PlatformProfile:
    """How engagement is read on one platform and how much of its rate budget Siar uses.

    ``batch_size``: ids per metrics call (X 100, Facebook 50, Instagram one
    feed page of 50). ``calls``/``window``: the share of the platform's
    per-account budget that engagement collection may spend, kept well below
    the real limit so publishing always has room. ``per_missing_cost``: extra
    calls a batch costs for every id already known to be missing (Facebook
    fails a whole ``?ids=`` request for one deleted id and the connector then
    asks id by id). ``feed_depth``: the platform answers from the account's
    feed of its newest posts (Instagram), so "not found" only means "missing"
    for a post among the account's ``feed_depth`` newest; deeper, it means
    "not seen" (unconfirmed) and the post is not marked.
    """

    batch_size: int
    calls: int
    window: timedelta
    per_missing_cost: int = 0
    feed_depth: int | None = None


DEFAULT_PROFILES: Mapping[str, PlatformProfile] = {
    # X: GET /2/tweets allows 900 requests / 15 min per user; use a third.
    "x": PlatformProfile(batch_size=100, calls=300, window=timedelta(minutes=15)),
    # Facebook Pages: 4800 calls / 24 h per engaged user, shared with publishing.
    "facebook": PlatformProfile(batch_size=50, calls=100, window=timedelta(hours=1), per_missing_cost=1),
    # Instagram private API: undocumented, easily flagged; stay very low.
    "instagram": PlatformProfile(batch_size=50, calls=20, window=timedelta(hours=1), feed_depth=50),
}
FALLBACK_PROFILE = PlatformProfile(batch_size=50, calls=60, window=timedelta(hours=1))


@dataclass(frozen=True)
class BudgetState:
    """Calls used in the current window of one account, and a pause after a rate-limit answer."""

    window_start: datetime | None = None
    used: int = 0
    paused_until: datetime | None = None


def calls_available(state: BudgetState, profile: PlatformProfile, now: datetime) -> int:
    """Calls the account may still make at ``now``."""
    if state.paused_until is not None and state.paused_until > now:
        return 0
    if state.window_start is None or now - state.window_start >= profile.window:
        return profile.calls
    return max(0, profile.calls - state.used)


def spend(state: BudgetState, calls: int, profile: PlatformProfile, now: datetime) -> BudgetState:
    """The state after spending ``calls`` at ``now`` (a new window starts when the old one ended)."""
    if calls < 0:
        raise ValueError("calls must be >= 0")
    if state.window_start is None or now - state.window_start >= profile.window:
        return BudgetState(window_start=now, used=calls, paused_until=None)
    return replace(state, used=state.used + calls)


@dataclass(frozen=True)
class Batch:
    """One metrics call: these remote ids, costing ``cost`` calls of the budget."""

    ids: tuple[str, ...]
    cost: int


def plan_batches(
    present: Sequence[str], missing: Sequence[str], profile: PlatformProfile, calls: int
) -> tuple[list[Batch], list[str]]:
    """Split the due ids of one account into calls that fit ``calls``.

    ``present`` and ``missing`` (known to be gone) arrive most overdue first;
    known-missing ids go in batches of their own so one deleted post does not
    make every batch expensive. What does not fit waits (returned second),
    in order, for the next window: it keeps its due time, so it is first then.
    """
    batches: list[Batch] = []
    waiting: list[str] = []
    left = calls
    for ids, per_id in ((list(present), 0), (list(missing), profile.per_missing_cost)):
        for start in range(0, len(ids), profile.batch_size):
            chunk = tuple(ids[start : start + profile.batch_size])
            cost = 1 + per_id * len(chunk)
            if cost <= left:
                batches.append(Batch(chunk, cost))
                left -= cost
            else:
                waiting.extend(chunk)
    return batches, waiting


# -- values --------------------------------------------------------------------

METRIC_NAMES = ("likes", "comments", "shares", "views", "reach", "saves")
INTERACTION_NAMES = ("likes", "comments", "shares", "saves")


def interactions(likes: int | None, comments: int | None, shares: int | None, saves: int | None) -> int:
    """likes + comments + shares + saves, a metric the platform does not give counting 0."""
    return sum(v or 0 for v in (likes, comments, shares, saves))


def engagement_rate(interactions_with_views: int, views: int | None) -> float | None:
    """Interactions per view over the posts whose views are known (None: no views known)."""
    if not views:
        return None
    return interactions_with_views / views


def deltas(current: Mapping[str, int | None], base: Mapping[str, int | None]) -> dict[str, int]:
    """Growth of each metric from ``base`` to ``current`` (an unknown side counts as no growth)."""
    out = {}
    for name in METRIC_NAMES:
        now_value, before = current.get(name), base.get(name)
        out[name] = 0 if now_value is None else now_value - (before or 0)
    return out


# -- local days ------------------------------------------------------------------


def local_day(instant: datetime, zone: str) -> date:
    """The calendar day ``instant`` falls on in ``zone`` (23:30 WIB is that WIB day)."""
    if instant.tzinfo is None:
        raise ValueError("instant must be timezone-aware")
    return instant.astimezone(get_zone(zone)).date()


def local_hour(instant: datetime, zone: str) -> int:
    """The hour of day (0..23) of ``instant`` in ``zone``."""
    return instant.astimezone(get_zone(zone)).hour


def day_bounds(first: date, last: date, zone: str) -> tuple[datetime, datetime]:
    """UTC instants [start of ``first``, start of the day after ``last``) in ``zone``."""
    tz = get_zone(zone)
    start = datetime.combine(first, time(0), tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tz).astimezone(UTC)
    return start, end


def week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())


def month_start(day: date) -> date:
    return day.replace(day=1)


def bucket(day: date, grain: str) -> date:
    """``day`` folded to its ``grain`` ("day", "week" (Monday) or "month")."""
    if grain == "day":
        return day
    if grain == "week":
        return week_start(day)
    if grain == "month":
        return month_start(day)
    raise ValueError(f"unknown grain {grain!r}")


def weeks_in_period(first: date, last: date) -> int:
    """How many ISO weeks the period touches (at least 1)."""
    return max(1, (week_start(last) - week_start(first)).days // 7 + 1)


# -- best posting hours --------------------------------------------------------


@dataclass(frozen=True)
class HourStat:
    hour: int
    posts: int
    median_interactions: float


def best_hours(history: Iterable[tuple[int, int]], *, min_posts: int = 2, top: int = 3) -> list[HourStat]:
    """The local hours whose posts got the most interactions (median), best first.

    ``history`` holds (local hour of publication, interactions) of one
    account's own posts. Hours with fewer than ``min_posts`` posts are left
    out: one lucky post says nothing about an hour.
    """
    by_hour: dict[int, list[int]] = {}
    for hour, value in history:
        by_hour.setdefault(hour, []).append(value)
    stats = [HourStat(h, len(v), float(median(v))) for h, v in by_hour.items() if len(v) >= min_posts]
    stats.sort(key=lambda s: (-s.median_interactions, -s.posts, s.hour))
    return stats[:top]


# -- the KIM leaderboard ----------------------------------------------------------


@dataclass(frozen=True)
class LeaderboardParams:
    """Knobs of the award score (docs/engagement.md, "Leaderboard")."""

    #: Active weeks that earn the full consistency factor (capped by the period's length).
    consistency_cap_weeks: int = 8
    #: Points per unit of median reach: reach counts, but little.
    reach_weight: float = 0.01
    #: Fewer measured posts than this: listed, not ranked (one lucky post cannot win).
    min_posts: int = 3


FORMULA_ID = (
    "Skor = median interaksi per unggahan × faktor konsistensi + {w} × median jangkauan per unggahan. "
    "Interaksi = suka + komentar + bagikan + simpan. Faktor konsistensi = min(minggu aktif, {cap}) / {cap} "
    "(minggu aktif: minggu dengan sedikitnya satu unggahan; batas {cap} = min({cap_param}, jumlah minggu "
    "periode)). Jangkauan memakai reach, atau tayangan bila reach tidak ada. Hanya KIM dengan sedikitnya "
    "{min_posts} unggahan terukur yang diberi peringkat. Median dan batas minggu membuat jumlah unggahan "
    "saja tidak menaikkan skor."
)
FORMULA_EN = (
    "Score = median interactions per post × consistency factor + {w} × median reach per post. "
    "Interactions = likes + comments + shares + saves. Consistency factor = min(active weeks, {cap}) / {cap} "
    "(active week: a week with at least one post; cap {cap} = min({cap_param}, weeks in the period)). "
    "Reach uses reach, or views where reach is not given. Only KIMs with at least {min_posts} measured "
    "posts are ranked. The median and the week cap mean that posting volume alone does not raise the score."
)


@dataclass(frozen=True)
class ScoredPost:
    """What the score needs of one post (one target: a post on one account)."""

    interactions: int
    reach: int | None
    local_day: date


@dataclass(frozen=True)
class Score:
    """A KIM's score with every component, so the number can be explained next to it."""

    posts: int
    median_interactions: float
    active_weeks: int
    cap_weeks: int
    consistency: float
    median_reach: float | None
    reach_component: float
    score: float
    eligible: bool
    components: dict[str, float | int | None] = field(default_factory=dict)


def consistency_cap(first: date, last: date, params: LeaderboardParams) -> int:
    return max(1, min(params.consistency_cap_weeks, weeks_in_period(first, last)))


def kim_score(
    posts: Sequence[ScoredPost], first: date, last: date, params: LeaderboardParams = LeaderboardParams()
) -> Score:
    """The award score of one KIM over the local days ``first``..``last`` (see FORMULA_EN)."""
    cap = consistency_cap(first, last, params)
    if not posts:
        return Score(
            0,
            0.0,
            0,
            cap,
            0.0,
            None,
            0.0,
            0.0,
            False,
            {"median_interactions": 0.0, "consistency": 0.0, "reach_component": 0.0},
        )
    med = float(median(p.interactions for p in posts))
    weeks = len({week_start(p.local_day) for p in posts})
    consistency = min(weeks, cap) / cap
    reaches = [p.reach for p in posts if p.reach is not None]
    med_reach = float(median(reaches)) if reaches else None
    reach_part = params.reach_weight * med_reach if med_reach is not None else 0.0
    value = med * consistency + reach_part
    return Score(
        posts=len(posts),
        median_interactions=med,
        active_weeks=weeks,
        cap_weeks=cap,
        consistency=consistency,
        median_reach=med_reach,
        reach_component=reach_part,
        score=round(value, 4),
        eligible=len(posts) >= params.min_posts,
        components={
            "median_interactions": med,
            "active_weeks": weeks,
            "cap_weeks": cap,
            "consistency": consistency,
            "median_reach": med_reach,
            "reach_component": reach_part,
        },
    )


def formula_text(first: date, last: date, params: LeaderboardParams = LeaderboardParams()) -> dict[str, str]:
    """The score formula in Bahasa Indonesia ("id") and English ("en") with this period's numbers."""
    values = {
        "w": params.reach_weight,
        "cap": consistency_cap(first, last, params),
        "cap_param": params.consistency_cap_weeks,
        "min_posts": params.min_posts,
    }
    return {"id": FORMULA_ID.format(**values), "en": FORMULA_EN.format(**values)}


def rank(scores: Mapping[str, Score]) -> list[tuple[int | None, str, Score]]:
    """Eligible KIMs by score (ties share a rank), then the ineligible ones unranked."""
    eligible = sorted(
        ((k, s) for k, s in scores.items() if s.eligible), key=lambda item: (-item[1].score, -item[1].posts, item[0])
    )
    out: list[tuple[int | None, str, Score]] = []
    previous: float | None = None
    position = 0
    for index, (key, score) in enumerate(eligible, start=1):
        if previous is None or not math.isclose(score.score, previous):
            position = index
        previous = score.score
        out.append((position, key, score))
    out.extend((None, k, s) for k, s in sorted(scores.items()) if not s.eligible)
    return out
