"""Hashtag extraction on Indonesian and other Unicode text."""

from __future__ import annotations

import pytest

from scheduler.domain.hashtags import count_hashtags, extract_hashtags


@pytest.mark.parametrize(
    "text,tags",
    [
        ("Ayo beli #KeripikTempe khas #Malang!", ["KeripikTempe", "Malang"]),
        ("#UMKM_Malang2026 #KIMSanan", ["UMKM_Malang2026", "KIMSanan"]),
        ("#Malang #malang #MALANG", ["Malang"]),  # one tag, first spelling
        ("#1 #2026 #1malang", ["1malang"]),  # digits only is not a tag
        ("C# dan F# itu bahasa, &#39; itu entitas", []),
        ("lihat https://kim.malangkota.go.id/#promo #promo", ["promo"]),
        ("#café #cafe\u0301 #Bromo", ["café", "Bromo"]),  # NFC: both spellings are one tag
        ("#ꦩꦭꦁ ꦏꦸꦛ", ["ꦩꦭꦁ"]),  # Aksara Jawa, with vowel signs
        ("＃全角 #日本語タグ", ["全角", "日本語タグ"]),  # full-width #, CJK
        ("##dobel #a#b", ["a"]),  # "##" and "a#b" are not tags
        ("(#Kopi) #Dampit, #Wisata.", ["Kopi", "Dampit", "Wisata"]),
        ("#", []),
    ],
)
def test_extract(text: str, tags: list[str]) -> None:
    assert extract_hashtags(text) == tags


def test_count_includes_repeats() -> None:
    assert count_hashtags("#a #A #b") == 3
    assert extract_hashtags("#a #A #b", unique=False) == ["a", "A", "b"]
