"""The award score: explained, and not won by posting volume alone."""

from __future__ import annotations

from datetime import date, timedelta

from scheduler.domain.engagement import (
    LeaderboardParams,
    ScoredPost,
    formula_text,
    kim_score,
    rank,
)

FIRST, LAST = date(2026, 9, 1), date(2026, 11, 30)  # 14 ISO weeks


def posts(count: int, interactions: int, reach: int | None, start: date, every_days: int) -> list[ScoredPost]:
    return [ScoredPost(interactions, reach, start + timedelta(days=i * every_days)) for i in range(count)]


def test_volume_alone_does_not_win():
    # A KIM that floods: 300 weak posts in one week.
    spammer = posts(300, 3, 100, date(2026, 10, 5), 0)
    # A KIM that posts good content once a week for 12 weeks.
    steady = posts(12, 40, 800, date(2026, 9, 1), 7)
    scores = {"banjir": kim_score(spammer, FIRST, LAST), "rutin": kim_score(steady, FIRST, LAST)}
    ranking = rank(scores)
    assert ranking[0][1] == "rutin" and ranking[0][0] == 1
    # Doubling the flood changes nothing: medians and a capped week count ignore volume.
    assert kim_score(spammer * 2, FIRST, LAST).score == scores["banjir"].score


def test_more_posts_in_the_same_weeks_do_not_raise_the_score():
    base = posts(8, 20, 500, date(2026, 9, 1), 7)
    extra = base + [ScoredPost(20, 500, p.local_day) for p in base] * 3
    assert kim_score(extra, FIRST, LAST).score == kim_score(base, FIRST, LAST).score


def test_consistency_is_capped():
    params = LeaderboardParams(consistency_cap_weeks=8)
    eight = kim_score(posts(8, 10, None, date(2026, 9, 1), 7), FIRST, LAST, params)
    twelve = kim_score(posts(12, 10, None, date(2026, 9, 1), 7), FIRST, LAST, params)
    four = kim_score(posts(4, 10, None, date(2026, 9, 1), 7), FIRST, LAST, params)
    assert eight.consistency == twelve.consistency == 1.0 and eight.score == twelve.score
    assert four.consistency == 0.5 and four.score == 5.0


def test_components_add_up_to_the_score():
    s = kim_score(
        [
            ScoredPost(10, 1000, date(2026, 9, 1)),
            ScoredPost(30, 3000, date(2026, 9, 8)),
            ScoredPost(20, None, date(2026, 9, 8)),
        ],
        FIRST,
        LAST,
    )
    assert s.median_interactions == 20 and s.active_weeks == 2 and s.cap_weeks == 8
    assert s.median_reach == 2000 and s.reach_component == 20.0
    assert s.score == round(20 * 2 / 8 + 20.0, 4)
    assert s.eligible


def test_too_few_posts_are_listed_but_not_ranked():
    scores = {
        "satu": kim_score([ScoredPost(999, 99999, date(2026, 9, 1))], FIRST, LAST),
        "tiga": kim_score(posts(3, 5, None, date(2026, 9, 1), 7), FIRST, LAST),
    }
    ranking = rank(scores)
    assert [(r, k) for r, k, _ in ranking] == [(1, "tiga"), (None, "satu")]


def test_ties_share_a_rank():
    same = posts(3, 5, None, date(2026, 9, 1), 7)
    ranking = rank({"a": kim_score(same, FIRST, LAST), "b": kim_score(same, FIRST, LAST)})
    assert [r for r, _, _ in ranking] == [1, 1]


def test_short_period_caps_at_its_weeks():
    s = kim_score(posts(2, 10, None, date(2026, 11, 2), 7), date(2026, 11, 1), date(2026, 11, 14))
    assert s.cap_weeks == 3


def test_formula_is_bilingual_with_numbers():
    text = formula_text(FIRST, LAST)
    assert text["id"].startswith("Skor = median interaksi") and "min(minggu aktif, 8)" in text["id"]
    assert text["en"].startswith("Score = median interactions") and "0.01" in text["en"]
