"""What ``/action TEXT`` asks for, and the answer, as plain data.

The listener passes the text here and renders whatever comes back; nothing in
this module knows about Slack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from rapidfuzz import fuzz, process
from sqlalchemy.orm import Session

from bot.plan.ids import canonical_id, normalize_dashes
from bot.plan.queries import find_item, resolution_items
from bot.plan.search import Hit, SearchIndex
from bot.store.models import ActionItem, Resolution

RESOLUTION_QUERY = re.compile(
    r"^\s*(?:(?P<opinion>op(?:inion)?\.?\s*)|(?:res(?:olution)?\.?|r)\s*)?(?P<number>\d{1,3})\s*$",
    re.IGNORECASE,
)
ITEM_PREFIX = re.compile(r"^(?:action\s+)?item\s+", re.IGNORECASE)
HELP_WORDS = frozenset({"", "help", "?", "-h", "--help", "usage"})


class AnswerKind(StrEnum):
    HELP = "help"
    ITEM = "item"
    RESOLUTION = "resolution"
    SEARCH = "search"
    NOT_FOUND = "not_found"


@dataclass
class Answer:
    kind: AnswerKind
    query: str
    items: list[ActionItem] = field(default_factory=list)
    resolution: Resolution | None = None
    hits: list[Hit] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)


def classify(text: str) -> tuple[AnswerKind, str]:
    """What the text asks for (help, an item, a Resolution or a search) and its argument."""
    cleaned = " ".join(normalize_dashes(text).split())
    if cleaned.lower() in HELP_WORDS:
        return AnswerKind.HELP, ""
    code = canonical_id(ITEM_PREFIX.sub("", cleaned))
    if code:
        return AnswerKind.ITEM, code
    match = RESOLUTION_QUERY.match(cleaned)
    if match:
        number = str(int(match["number"]))
        return AnswerKind.RESOLUTION, f"Opinion {number}" if match["opinion"] else number
    return AnswerKind.SEARCH, cleaned


def answer(session: Session, index: SearchIndex, text: str, *, limit: int = 8) -> Answer:
    kind, argument = classify(text)
    if kind == AnswerKind.HELP:
        return Answer(kind, text)
    if kind == AnswerKind.ITEM:
        items = find_item(session, argument)
        if items:
            return Answer(kind, argument, items=items)
        return Answer(AnswerKind.NOT_FOUND, argument, suggestions=nearest_ids(index, argument))
    if kind == AnswerKind.RESOLUTION:
        resolution, items = resolution_items(session, argument)
        if resolution is not None:
            return Answer(kind, argument, items=items, resolution=resolution)
        return Answer(AnswerKind.NOT_FOUND, f"Resolution {argument}", suggestions=[])
    hits = index.search(argument, limit=limit)
    if hits:
        return Answer(AnswerKind.SEARCH, argument, hits=hits)
    return Answer(AnswerKind.NOT_FOUND, argument, suggestions=nearest_words(index, argument))


def nearest_ids(index: SearchIndex, code: str, limit: int = 5) -> list[str]:
    """Ids that look most like ``code``: same Resolution first, then by spelling."""
    keys = [document.key for document in index.documents]
    head = code.split("-")[0]
    same = [key for key in keys if key.split("-")[0] == head]
    found = process.extract(code, same or keys, scorer=fuzz.ratio, limit=limit)
    return [key for key, _score, _ in found]


def nearest_words(index: SearchIndex, text: str, limit: int = 5) -> list[str]:
    vocabulary = [word for word in index.vocabulary if len(word) >= 3 and not word.isdigit()]
    found = process.extract(text.lower(), vocabulary, scorer=fuzz.ratio, limit=limit)
    return [word for word, score, _ in found if score >= 60]
