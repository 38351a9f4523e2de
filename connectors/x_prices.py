"""What X charges for each API call since pay-per-use (2026-02-06): the one price table.

The sandbox bills by it (``sandbox/x_billing.py``), so that tests and
benchmarks measure dollars; Siar's own cost ledger, budgets and the cost
shown at compose are to read the same numbers (issue 15). Like ``connectors/graph_versions.py``
it lives in ``connectors`` because both sides may import ``connectors``
while the sandbox must never import ``scheduler``; it is data plus small
pure functions, and imports only the standard library (and, when a text is
checked for a link, ``twitter_text``, which the sandbox and the X connector
use already).

Source: the "Credit consumption details" and "Owned Reads" tables of
https://docs.x.com/x-api/getting-started/pricing , read on 2026-12-04. X says
prices may change: when they do, change ``PRICES`` and ``PRICES_AS_OF``
together. Money is :class:`~decimal.Decimal` dollars (exact); ledgers that
add many small amounts use whole micro-dollars (:func:`to_micro`).

Reads are billed per resource returned, writes per request. X de-duplicates
a resource read more than once by the same app within one UTC day (a "soft
guarantee"). "Owned reads" are reads of the authenticated user's own data
(its own posts timeline, its mentions). A post whose text contains a URL is
billed at the URL price: a URL is what twitter-text's extractor finds, the
same rule X uses to shorten links to t.co and count them as 23 characters
(``https://...``, ``www.example.com`` and bare domains with a known
top-level domain such as ``kim.id`` or ``malangkota.go.id``; not ``a@b.com``
or ``file.jpg``).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Final, Literal

Kind = Literal["post_create", "post_create_url", "post_read", "owned_read", "user_read"]

#: Dollars per unit (a request for creates, a returned resource for reads).
PRICES: Final[Mapping[Kind, Decimal]] = {
    "post_create": Decimal("0.015"),  # Content: Create
    "post_create_url": Decimal("0.200"),  # Content: Create (with URL)
    "post_read": Decimal("0.005"),  # Posts: Read, per post returned
    "owned_read": Decimal("0.001"),  # Owned Reads: the user's own posts timeline / mentions, per post
    "user_read": Decimal("0.010"),  # User: Read, per user returned (GET /2/users/me included)
}

#: What one unit of each kind is.
UNITS: Final[Mapping[Kind, str]] = {
    "post_create": "request",
    "post_create_url": "request",
    "post_read": "post",
    "owned_read": "post",
    "user_read": "user",
}

#: Reads of which kinds count as "posts consumed" (``GET /2/usage/tweets``, the monthly cap).
POST_READS: Final[frozenset[Kind]] = frozenset({"post_read", "owned_read"})

#: Pay-per-use projects may read at most this many posts per monthly billing cycle.
POST_READS_PER_MONTH: Final = 3_000_000

PAY_PER_USE_SINCE: Final = date(2026, 2, 6)
PRICES_AS_OF: Final = date(2026, 12, 4)
SOURCE: Final = "https://docs.x.com/x-api/getting-started/pricing"

#: Not billed, for want of a clear price: media upload (the table prices "Media: Read" and
#: "Media Metadata", not the upload), deleting a post (the table's "Interaction: Delete",
#: $0.010 a request, may cover it: not modelled until that is confirmed), ``GET /2/usage/tweets``.

MICRO: Final = 1_000_000
_FALLBACK_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S")
_DOTTED = re.compile(r"[^\s.]\.[^\s.]")  # a dot between two characters, as in "kim.id" (not "akhir. Lalu")


def price(kind: Kind) -> Decimal:
    """Dollars for one unit of ``kind``."""
    return PRICES[kind]


def cost(kind: Kind, count: int = 1) -> Decimal:
    """Dollars for ``count`` units of ``kind``."""
    return PRICES[kind] * count


def to_micro(usd: Decimal) -> int:
    """Whole micro-dollars; ValueError when ``usd`` has more than 6 decimals."""
    micro = usd * MICRO
    if micro != micro.to_integral_value():
        raise ValueError(f"{usd} is finer than a micro-dollar")
    return int(micro)


def from_micro(micro: int) -> Decimal:
    """Dollars for whole micro-dollars."""
    return Decimal(micro) / MICRO


def usd_text(usd: Decimal) -> str:
    """Dollars as JSON text: at least 2 decimals, no exponent (``"0.015"``, ``"1.00"``, ``"0.20"``)."""
    if usd == usd.quantize(Decimal("0.01")):
        return f"{usd.quantize(Decimal('0.01')):f}"
    return f"{usd.normalize():f}"


def contains_url(text: str) -> bool:
    """Whether X sees a link in ``text`` (twitter-text's URL extractor, as X does)."""
    if not _DOTTED.search(text):  # every URL twitter-text accepts has a dot inside its host
        return False
    try:
        with warnings.catch_warnings():  # twitter-text-parser imports the deprecated pkg_resources
            warnings.simplefilter("ignore")
            from twitter_text import extract_urls
    except ImportError:  # pragma: no cover - a declared dependency; the sandbox must still answer
        return bool(_FALLBACK_URL.search(text))
    return bool(extract_urls(text))


def create_kind(text: str) -> Kind:
    """What creating a post with ``text`` is billed as."""
    return "post_create_url" if contains_url(text) else "post_create"


def create_cost(text: str) -> Decimal:
    """Dollars for creating one post with ``text`` (a thread: one create per part)."""
    return cost(create_kind(text))
