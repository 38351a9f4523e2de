"""X weighted length (twitter-text v3) and thread splitting."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.domain.errors import InvalidInput
from scheduler.domain.tweet_text import split_thread, x_weighted_length

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man-woman-girl ZWJ sequence
FLAG_ID = "\U0001f1ee\U0001f1e9"  # Indonesian flag
THUMBS_DARK = "\U0001f44d\U0001f3ff"  # skin-tone modifier


@pytest.mark.parametrize(
    "text,weight",
    [
        ("", 0),
        ("Keripik tempe Sanan", 19),
        ("https://kim-sanan.malangkota.go.id/produk/keripik-tempe-rasa-original?utm=ig", 23),
        ("beli di https://t.co/abc sekarang", 8 + 23 + 9),
        ("siar.id", 23),  # a bare domain is a URL too
        (FAMILY, 2),
        (FLAG_ID, 2),
        (THUMBS_DARK, 2),
        ("\u2764\ufe0f", 2),
        ("日本語", 6),
        ("한국어", 6),
        ("ꦩꦭꦁ", 6),  # Aksara Jawa: outside the weight-1 ranges
        ("e\u0301", 1),  # NFC: one character
        ("café — “kopi”", 13),  # Latin-1 and general punctuation count 1
    ],
)
def test_weighted_length(text: str, weight: int) -> None:
    assert x_weighted_length(text) == weight


def _indonesian(n: int) -> str:
    base = (
        "Ayo mampir ke Kampung Keripik Tempe Sanan, Kelurahan Purwantoro! Tersedia rasa original, pedas, dan balado. "
    )
    return (base * (n // len(base) + 1))[:n]


def test_indonesian_text_at_exactly_280_and_281() -> None:
    from scheduler.domain.rules import validate_content

    t280, t281 = _indonesian(280), _indonesian(281)
    assert x_weighted_length(t280) == 280 and x_weighted_length(t281) == 281
    assert validate_content("x", t280, []) == []
    codes = [p.code for p in validate_content("x", t281, [])]
    assert codes == ["text_too_long"]


def test_emoji_and_cjk_limits_are_weighted() -> None:
    from scheduler.domain.rules import validate_content

    assert validate_content("x", FAMILY * 140, []) == []
    assert [p.code for p in validate_content("x", FAMILY * 141, [])] == ["text_too_long"]
    assert validate_content("x", "日" * 140, []) == []
    assert [p.code for p in validate_content("x", "日" * 141, [])] == ["text_too_long"]
    url_heavy = " ".join(["https://malangkota.go.id/" + "a" * 200] * 11)  # 11*23 + 10 = 263
    assert x_weighted_length(url_heavy) == 263 and validate_content("x", url_heavy, []) == []


def test_split_short_text_is_one_tweet_and_empty_is_none() -> None:
    assert split_thread("Halo Malang!") == ["Halo Malang!"]
    assert split_thread("   ") == []


def test_split_keeps_line_breaks_inside_a_tweet_and_words_whole() -> None:
    text = "Promo akhir pekan:\n- keripik tempe\n- kopi Dampit\n" + _indonesian(600)
    parts = split_thread(text)
    assert len(parts) == 3
    assert parts[0].startswith("Promo akhir pekan:\n- keripik tempe\n")
    assert all(x_weighted_length(p) <= 280 for p in parts)
    assert " ".join(parts).split() == text.split()


def test_split_never_breaks_a_url_or_an_emoji() -> None:
    url = "https://kim.malangkota.go.id/produk/" + "x" * 400
    text = ("kata " * 50) + url + (" " + FAMILY) * 200
    parts = split_thread(text)
    assert any(url in p for p in parts)
    assert all(x_weighted_length(p) <= 280 for p in parts)
    for p in parts:
        assert p.replace(FAMILY, "").replace(" ", "").replace("kata", "").replace(url, "") == ""


def test_split_cuts_an_overlong_word_between_characters() -> None:
    text = "日" * 300 + " selesai"
    parts = split_thread(text)
    assert parts == ["日" * 140, "日" * 140, "日" * 20 + " selesai"]


def test_split_refuses_invisible_characters_x_rejects() -> None:
    with pytest.raises(InvalidInput) as exc:
        split_thread("halo \ufffe dunia")
    assert exc.value.field == "text"


# Clusters, not code points: an emoji sequence is one unit of the alphabet.
WORD = st.lists(
    st.sampled_from(list("abcdefghijklmnopqrstuvwxyzéñ日本ꦩ") + [FAMILY, FLAG_ID, "🙂"]), min_size=1, max_size=40
).map("".join)
SEP = st.sampled_from([" ", "\n", "  ", "\n\n", "\t"])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(WORD, SEP), min_size=0, max_size=60), st.sampled_from([280, 140, 50]))
def test_split_property_valid_tweets_that_rejoin_to_the_words(pairs, limit) -> None:  # type: ignore[no-untyped-def]
    text = "".join(w + s for w, s in pairs)
    parts = split_thread(text, limit=limit)
    assert all(0 < x_weighted_length(p) <= limit for p in parts)
    assert all(p == p.strip() for p in parts)
    assert " ".join(parts).split() == text.split()  # no word cut, none lost, order kept
    # Greedy: the previous tweet plus the next word (with the text's own spacing) is too long.
    pos = 0
    for a, b in zip(parts, parts[1:], strict=False):
        start = text.index(a, pos)
        nxt = b.split()[0]
        end = text.index(nxt, start + len(a)) + len(nxt)
        assert x_weighted_length(text[start:end]) > limit
        pos = start + len(a)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(list("ab日") + [FAMILY, " "]), max_size=400).map("".join))
def test_split_property_any_text_keeps_every_character(text: str) -> None:
    parts = split_thread(text, limit=60)
    assert all(0 < x_weighted_length(p) <= 60 for p in parts)
    assert "".join("".join(p.split()) for p in parts) == "".join(text.split())
