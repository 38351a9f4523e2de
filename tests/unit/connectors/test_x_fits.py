"""``connectors.x.fits``: the quick bound never disagrees with twitter-text's full count."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.x import TWEET_LIMIT, fits, weighted_length

PIECES = st.sampled_from(
    [
        "Keripik tempe Sanan ",
        "kopi Dampit",
        " https://kim.malangkota.go.id/umkm?id=7 ",
        "a.co ",
        "x.id",
        "😀",
        "👩‍👩‍👧‍👦",
        "🇮🇩",
        "日本語",
        "क़",
        "\u0958",
        "é",
        "e\u0301",
        "\n\n",
        ".",
        " ",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=80), st.integers(min_value=20, max_value=TWEET_LIMIT))
def test_fits_agrees_with_the_weighted_length(pieces, limit):
    text = "".join(pieces)
    assert fits(text, limit) == (weighted_length(text) <= limit)


def test_short_urls_are_counted_as_23():
    text = "a.co " * 12  # 60 characters, 12 URLs: 12 * 23 + 12 spaces = 288 weighted
    assert weighted_length(text) > TWEET_LIMIT
    assert not fits(text)


def test_a_decomposing_character_cannot_slip_under_the_bound():
    # U+0958 becomes two code points under NFC: 140 of them weigh more than 140 * 2.
    text = "\u0958" * 140
    assert fits(text) == (weighted_length(text) <= TWEET_LIMIT)
