"""The one X price table (connectors/x_prices.py): exact dollars and what X counts as a link."""

from __future__ import annotations

from decimal import Decimal

import pytest

from connectors import x_prices as xp


def test_prices_are_exact_and_dated():
    assert xp.cost("post_read", 3) == Decimal("0.015") and xp.cost("owned_read", 1000) == Decimal("1.000")
    assert xp.PRICES_AS_OF >= xp.PAY_PER_USE_SINCE and xp.SOURCE.startswith("https://docs.x.com/")
    assert all(isinstance(v, Decimal) for v in xp.PRICES.values()) and set(xp.UNITS) == set(xp.PRICES)
    assert xp.to_micro(Decimal("0.2")) == 200_000 and xp.from_micro(15_000) == Decimal("0.015")
    with pytest.raises(ValueError):
        xp.to_micro(Decimal("0.0000001"))
    assert [xp.usd_text(Decimal(v)) for v in ("0.015", "1", "0.2", "0", "12.3450")] == [
        "0.015",
        "1.00",
        "0.20",
        "0.00",
        "12.345",
    ]


@pytest.mark.parametrize(
    "text,url",
    [
        ("Keripik tempe Polehan", False),
        ("Lihat https://siar.id/k/1", True),
        ("Pesan di kim-polehan.id", True),
        ("www.malangkota.go.id/umkm", True),
        ("Surel budi@polehan.id", False),
        ("foto.jpg dan budi.santoso", False),
        ("#kota.id @user.com", False),
    ],
)
def test_a_link_is_what_twitter_text_extracts(text, url):
    assert xp.contains_url(text) is url
    assert xp.create_cost(text) == (Decimal("0.200") if url else Decimal("0.015"))
