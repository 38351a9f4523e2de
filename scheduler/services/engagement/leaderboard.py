"""The KIM leaderboard for Kominfo's awards, with its formula next to the numbers.

Score (``scheduler.domain.engagement.kim_score``; docs/engagement.md):
median interactions per post × consistency factor + 0.01 × median reach per
post. Staff and superadmin see every KIM ranked; an admin or member sees only
their own KIM's row (its score and components, not the other KIMs).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from scheduler.domain.engagement import (
    LeaderboardParams,
    Score,
    ScoredPost,
    formula_text,
    kim_score,
    rank,
)
from scheduler.services.engagement.summaries import resolve_scope
from scheduler.services.people.actors import Actor
from scheduler.store import summary_queries as q
from scheduler.store.tables import kelurahan, kims


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int | None  # None: not enough measured posts to be ranked
    kim: str
    kim_name: str
    kelurahan: str
    score: Score


@dataclass(frozen=True)
class Leaderboard:
    first: date
    last: date
    rows: list[LeaderboardRow]
    formula: dict[str, str]  # {"id": ..., "en": ...}
    params: LeaderboardParams

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the formula in both languages next to every score and its components."""
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "formula": self.formula,
            "params": asdict(self.params),
            "rows": [
                {
                    "rank": r.rank,
                    "kim": r.kim,
                    "kim_name": r.kim_name,
                    "kelurahan": r.kelurahan,
                    "score": r.score.score,
                    "eligible": r.score.eligible,
                    "posts": r.score.posts,
                    "components": dict(r.score.components),
                }
                for r in self.rows
            ],
        }


def leaderboard(
    engine: sa.Engine, actor: Actor, *, first: date, last: date, params: LeaderboardParams = LeaderboardParams()
) -> Leaderboard:
    """Every KIM's score for posts published ``first``..``last`` (local days), best first."""
    with engine.connect() as conn:
        scope = resolve_scope(conn, actor, first, last)
        names = {
            r.id: r
            for r in conn.execute(
                sa.select(kims.c.id, kims.c.slug, kims.c.name, kelurahan.c.name.label("kelurahan")).join(
                    kelurahan, kelurahan.c.code == kims.c.kelurahan_code
                )
            )
        }
        posts: dict[int, list[ScoredPost]] = {kim_id: [] for kim_id in names}
        for r in conn.execute(q.post_rows_query(first, last)):
            reach = r.reach if r.reach is not None else r.views
            posts.setdefault(r.kim_id, []).append(ScoredPost(int(r.interactions), reach, r.published_day))
    scores = {names[k].slug: kim_score(v, first, last, params) for k, v in posts.items() if k in names}
    by_slug = {r.slug: r for r in names.values()}
    rows = [
        LeaderboardRow(position, slug, by_slug[slug].name, by_slug[slug].kelurahan, score)
        for position, slug, score in rank(scores)
    ]
    if scope.kim_ids is not None:  # a KIM-bound actor: their own row, no rank among others
        own = {names[k].slug for k in scope.kim_ids if k in names}
        rows = [LeaderboardRow(None, r.kim, r.kim_name, r.kelurahan, r.score) for r in rows if r.kim in own]
    return Leaderboard(first, last, rows, formula_text(first, last, params), params)
