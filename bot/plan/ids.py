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
_ANY_ID = re.compile(rf"(?<!\w){ID_PATTERN}(?!\w)", re.IGNORECASE)
# What may stand between, before and after ids in ``/action 50-18, 2-3 and 50-20?``;
# ``status`` asks for what the card shows anyway.  Anything else makes the text a search.
_BETWEEN_IDS = re.compile(r"(?:[\s,;:&+/.!?]|\band\b|\bet\b|\bstatus\b)*", re.IGNORECASE)


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


def ids_in(text: str) -> list[str]:
    """The canonical ids of text that is only ids, with separators (commas, semicolons,
    ``/``, ``+``, ``and``, ``et``, spaces), trailing punctuation and the word ``status``;
    else none.

    Each id once, in the order typed.
    """
    text = normalize_dashes(text)
    matches = list(_ANY_ID.finditer(text))
    starts = [0, *(match.end() for match in matches)]
    ends = [*(match.start() for match in matches), len(text)]
    gaps = [text[start:end] for start, end in zip(starts, ends, strict=True)]
    if not matches or not all(_BETWEEN_IDS.fullmatch(gap) for gap in gaps):
        return []
    return list(dict.fromkeys(_format(match) for match in matches))


def ids_anywhere(text: str) -> list[str]:
    """The canonical ids written anywhere in text (``50-18-50-20`` has two), each once."""
    return list(dict.fromkeys(_format(match) for match in _ANY_ID.finditer(normalize_dashes(text))))


def resolution_of(item_id: str) -> str:
    """The Resolution key an id belongs to: ``50`` for ``50-18``, ``Opinion 1`` for ``Op-01``."""
    head, _, _ = item_id.partition("-")
    if head.lower() == "op":
        return "Opinion 1"
    return str(int(head))
