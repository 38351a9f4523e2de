"""Fingerprints survive what platforms do to text; real differences still differ."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.domain.fingerprint import content_fingerprint, normalize_text, text_fingerprint

ORIGINAL = "Keripik Tempe Sanan  \u2014 renyah & gurih!\nPesan: https://kim-sanan.id/p/12 #UMKM"


@pytest.mark.parametrize(
    "seen",
    [
        "Keripik Tempe Sanan \u2014 renyah &amp; gurih! Pesan: https://t.co/AbC123 #UMKM",  # X
        "Keripik Tempe Sanan \u2014 renyah & gurih!\r\nPesan:  #UMKM ",  # link card
        "keripik tempe sanan \u2014 RENYAH & gurih!\u00a0Pesan: http://bit.ly/x #umkm",
        "Keripik Tempe Sanan\u200b \u2014 renyah & gurih!\n\nPesan: https://kim-sanan.id/p/12 #UMKM",
    ],
)
def test_same_post_as_seen_on_a_platform(seen: str) -> None:
    assert text_fingerprint(seen) == text_fingerprint(ORIGINAL)
    assert content_fingerprint(seen, ["AB12"]) == content_fingerprint(ORIGINAL, ["ab12"])


@pytest.mark.parametrize(
    "other",
    [
        "Keripik Tempe Sanan \u2014 renyah & gurih! Pesan: #UMKM lagi",
        "Keripik Tempe Sanan \u2014 renyah & gurih!...",
        "Keripik Tempe Sanan \u2014 renyah gurih! Pesan: #UMKM",
    ],
)
def test_different_text_differs(other: str) -> None:
    assert text_fingerprint(other) != text_fingerprint(ORIGINAL)


def test_unicode_forms_are_one_text() -> None:
    assert text_fingerprint("Kafe\u0301 Malang") == text_fingerprint("Kaf\u00e9 Malang")
    assert text_fingerprint("\uff2d\uff41\uff4c\uff41\uff4e\uff47") == text_fingerprint("Malang")


def test_media_hashes_and_order_matter() -> None:
    assert content_fingerprint("a", ["1", "2"]) != content_fingerprint("a", ["2", "1"])
    assert content_fingerprint("a", []) != content_fingerprint("a", ["1"])
    assert content_fingerprint("a", ["1"]) != content_fingerprint("a 1", [])
    assert content_fingerprint("a").startswith("c1:") and text_fingerprint("a").startswith("t1:")
    assert len(content_fingerprint("a")) == 3 + 64


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs", "Zs", "Cc", "Zl", "Zp")), min_size=1, max_size=8),
        min_size=1,
        max_size=12,
    ),
    st.lists(st.sampled_from([" ", "  ", "\n", "\t", "\u00a0", "\r\n"]), min_size=12, max_size=12),
)
def test_whitespace_never_changes_the_fingerprint(words, seps) -> None:  # type: ignore[no-untyped-def]
    a = " ".join(words)
    b = "  " + "".join(w + s for w, s in zip(words, seps, strict=False)) + "\n"
    assert text_fingerprint(a) == text_fingerprint(b)
    assert normalize_text(b) == normalize_text(normalize_text(b))  # idempotent
