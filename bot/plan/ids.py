"""Action item ids: the canonical form and the forgiving forms people type.

The canonical form is the document's: two-digit Resolution and item numbers
joined by a hyphen (``01-11``, ``50-18``), and ``Op-01`` for Opinion 1's items.
People write ``50-8``, ``50.18``, ``50/18``, ``50 18``, ``R50-18``,
``res 50 item 18``, ``1-11``, with non-breaking hyphens or dashes; all of them
name the same item.
"""

from __future__ import annotations

import re

DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212\ufe58\ufe63\uff0d"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_DASH_TABLE = str.maketrans({**{dash: "-" for dash in DASHES}, **{c: None for c in INVISIBLE}})

ID_PATTERN = (
    r"(?:(?P<op>op)\s*-\s*(?P<opnum>\d{1,2})"
    r"|(?:(?:res(?:olution)?|r)\s*\.?\s*)?(?P<res>\d{1,3})"
    r"\s*(?:[-./]|\s+(?:item\s*)?|\s*item\s*)\s*(?P<item>\d{1,3}))"
)
_WHOLE_ID = re.compile(rf"^\s*{ID_PATTERN}\s*$", re.IGNORECASE)


def normalize_dashes(text: str) -> str:
    """Every kind of dash as ``-``; zero-width and soft-hyphen characters dropped."""
    return text.translate(_DASH_TABLE)


def _format(match: re.Match[str]) -> str:
    if match["op"]:
        return f"Op-{int(match['opnum']):02d}"
    return f"{int(match['res']):02d}-{int(match['item']):02d}"


def canonical_id(text: str) -> str | None:
    """The canonical id for text that is one id and nothing else, else None."""
    match = _WHOLE_ID.match(normalize_dashes(text))
    return _format(match) if match else None


def resolution_of(item_id: str) -> str:
    """The Resolution key an id belongs to: ``50`` for ``50-18``, ``Opinion 1`` for ``Op-01``."""
    head, _, _ = item_id.partition("-")
    if head.lower() == "op":
        return "Opinion 1"
    return str(int(head))
