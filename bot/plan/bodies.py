"""The bodies an action item names (``SG17``, ``Study Group 3``, ``TSAG``, ``TSB``).

A stand-in until the plan records each item's responsible bodies itself: until then a
body "has" an item when the item's action names it. :func:`body_key` reads what a
person types (``sg17``, ``SG 17``, ``Study Group 17``) as the same key the items'
texts give, so that following a body and matching items agree on what a body is.
"""

from __future__ import annotations

import re

_BODY = re.compile(
    r"\b(?:(?P<sg>SG|Study\s+Groups?)\s*(?P<number>\d{1,2})(?!\d)|(?P<name>TSAG|TSB))\b",
    re.IGNORECASE,
)


def body_key(text: str) -> str | None:
    """``sg17``, ``tsag`` or ``tsb`` for a body as a person types it; None for anything else."""
    match = _BODY.fullmatch(" ".join(text.split()))
    return None if match is None else _key(match)


def bodies_in(text: str) -> frozenset[str]:
    """The keys of the bodies a text names (an item's action)."""
    return frozenset(_key(match) for match in _BODY.finditer(text))


def body_label(key: str) -> str:
    """``SG17``, ``TSAG``: a body's key as the plan writes it."""
    return key.upper()


def _key(match: re.Match[str]) -> str:
    if match["name"]:
        return match["name"].lower()
    return f"sg{int(match['number'])}"
