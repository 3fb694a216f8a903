"""What ``/action TEXT`` asks for, and the answer, as plain data.

The listener passes the text here and renders whatever comes back; nothing in
this module knows about Slack.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.plan.bodies import responsibility
from bot.plan.changes import ItemChange, Span, changes_between
from bot.plan.editions import EDITION, current_edition, edition_name, is_stored
from bot.plan.filters import Changed, Filter, Overdue, keeps, never_overdue, parse_filter
from bot.plan.ids import canonical_id, ids_anywhere, ids_in, normalize_dashes
from bot.plan.queries import (
    all_items,
    in_other_editions,
    item_and_namesakes,
    resolution_items,
)
from bot.store.models import ActionItem, Resolution

if TYPE_CHECKING:
    from typing import TypeAlias

    from bot.plan.search import Hit, SearchIndex

    Indexed: TypeAlias = SearchIndex | Callable[[], SearchIndex]
    """The plan's search index, or the function that gives it (see :func:`answer`)."""

RESOLUTION_QUERY = re.compile(
    r"^\s*(?:(?P<opinion>op(?:inion)?\.?\s*)|(?:res(?:olution)?\.?|r)\s*)?(?P<number>\d{1,3})\s*$",
    re.IGNORECASE,
)
ITEM_PREFIX = re.compile(r"^(?:action\s+)?item\s+", re.IGNORECASE)
HELP_WORDS = frozenset({"", "help", "?", "-h", "--help", "usage"})
MAX_IDS = 20  # ids one command shows; a list of them stays well within Slack's 50 blocks
Spans = Callable[[Changed], Span | None]
"""Where a ``changed`` filter's span starts at the moment asked (the schedule's, for
"since the last TSAG": :class:`bot.meetings.changed.ChangeSpans`), or None when unknown."""
EDITION_WORD = re.compile(rf"(?:^|\s){EDITION.pattern}(?=\s|$)", re.IGNORECASE)


class AnswerKind(StrEnum):
    HELP = "help"
    ITEM = "item"
    ITEMS = "items"  # several ids in one command: ``parts`` holds one answer for each
    RESOLUTION = "resolution"
    SEARCH = "search"
    LIST = "list"  # a filter (``50 open``, ``sg17 overdue``): ``items`` holds every match
    NOT_FOUND = "not_found"


@dataclass
class Answer:
    """What ``/action TEXT`` found.

    ``edition`` is the edition the answer is from, ``current`` the current one;
    an item answer lists the item, its namesakes in that edition, then the items
    of other editions with its number.  A search holds every hit and a list every
    item it keeps, however many a page shows, so that counts tell the truth.
    """

    kind: AnswerKind
    query: str
    items: list[ActionItem] = field(default_factory=list)
    resolution: Resolution | None = None
    hits: list[Hit] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    edition: str = ""
    current: str = ""
    parts: list[Answer] = field(default_factory=list)
    filter: Filter | None = None
    changes: dict[str, ItemChange] = field(default_factory=dict)
    """For a ``changed`` filter: each listed item's net change, by code."""
    span: Span | None = None
    """For a ``changed`` filter: the span it covers, None when its start is unknown."""


def split_edition(text: str) -> tuple[str, str | None]:
    """The text without an edition named in it (``50-18 wtsa-20``), and that edition."""
    match = EDITION_WORD.search(text)
    if match is None:
        return text, None
    rest = (text[: match.start()] + " " + text[match.end() :]).strip()
    return rest, edition_name(match.group(0).strip())


def classify(text: str) -> tuple[AnswerKind, str]:
    """What the text asks for (help, an item, a Resolution or a search) and its argument."""
    cleaned = " ".join(normalize_dashes(text).split())
    if cleaned.lower() in HELP_WORDS:
        return AnswerKind.HELP, ""
    unprefixed = ITEM_PREFIX.sub("", cleaned)
    code = canonical_id(unprefixed)
    if code:
        return AnswerKind.ITEM, code
    codes = ids_in(unprefixed)  # ``50-18?``, ``50-18 status``, ``50-18, 2-3 and 50-20``
    if len(codes) == 1:
        return AnswerKind.ITEM, codes[0]
    if codes:
        return AnswerKind.ITEMS, " ".join(codes)
    match = RESOLUTION_QUERY.match(cleaned)
    if match:
        number = str(int(match["number"]))
        return AnswerKind.RESOLUTION, f"Opinion {number}" if match["opinion"] else number
    if parse_filter(cleaned) is not None:
        return AnswerKind.LIST, cleaned
    return AnswerKind.SEARCH, cleaned


def answer(
    session: Session,
    indexed: Indexed,
    text: str,
    *,
    limit: int | None = None,
    overdue: Overdue = never_overdue,
    spans: Spans | None = None,
) -> Answer:
    """What ``/action TEXT`` finds.  ``overdue`` says which items are overdue and
    ``spans`` where "changed" starts (the schedule's, which this layer cannot
    import); a search keeps every hit unless ``limit`` says how many.

    ``indexed`` is the plan's search index, or the function that gives it: an answer
    by id or by Resolution reads the database alone (the ``item_aliases`` table for
    earlier numbers) and needs the index only to suggest ids when nothing was found,
    so a caller whose index costs time to build (a command-line process starting
    cold) passes the function, called at most once."""
    index = _once(indexed)
    current = current_edition(session)
    rest, named = split_edition(text)
    lookups = (AnswerKind.ITEM, AnswerKind.ITEMS, AnswerKind.RESOLUTION)
    if named:
        kind, argument = classify(rest)
        if kind in lookups:
            if not is_stored(session, named) and named != current:
                return Answer(AnswerKind.NOT_FOUND, f"{argument} {named}", current=current)
            return _in_edition(session, index, kind, argument, named, current)
    kind, argument = classify(text)  # an edition in words to search is one of them
    if kind in lookups:
        return _in_edition(session, index, kind, argument, current, current)
    if kind == AnswerKind.HELP:
        return Answer(kind, text)
    if kind == AnswerKind.LIST:
        return filtered(session, index(), argument, overdue, current, spans)
    searched = index()
    hits = searched.citing(argument, limit=limit) or searched.search(argument, limit=limit)
    if hits:
        return Answer(AnswerKind.SEARCH, argument, hits=hits, current=current)
    return Answer(AnswerKind.NOT_FOUND, argument, suggestions=_nearest(searched, argument))


def _once(indexed: Indexed) -> Callable[[], SearchIndex]:
    """The index as a function that builds it on its first call, if it is to be built."""
    if not callable(indexed):
        return lambda: indexed
    built: list[SearchIndex] = []

    def index() -> SearchIndex:
        if not built:
            built.append(indexed())
        return built[0]

    return index


def _nearest(index: SearchIndex, text: str, limit: int = 5) -> list[str]:
    """What a search that found nothing suggests: for a text with ids in it
    (``50-18-50-20``), those ids or the nearest ones, never words of the plan such as
    ``2017-2020``; else the nearest words."""
    codes = ids_anywhere(text)
    if not codes:
        return nearest_words(index, text, limit)
    known = {document.key for document in index.documents}
    found = [
        near
        for code in codes
        for near in ([code] if code in known else nearest_ids(index, code, 2))
    ]
    return list(dict.fromkeys(found))[:limit]


def filtered(
    session: Session,
    index: SearchIndex,
    text: str,
    overdue: Overdue,
    current: str,
    spans: Spans | None = None,
) -> Answer:
    """The current plan's active items a filter keeps, in plan order (or, with words
    to search as well, in the search's order); "changed" keeps those with a change in
    its span, each with its net change."""
    wanted = parse_filter(text)
    assert wanted is not None
    items = all_items(session, include_obsolete=False, edition=current)
    if wanted.words:
        hits = index.citing(wanted.words, limit=None) or index.search(wanted.words, limit=None)
        by_code = {item.code: item for item in items}
        items = [by_code[hit.key] for hit in hits if hit.key in by_code]
    span, changes = None, {}
    if wanted.changed:
        span = spans(wanted.changed) if spans else None
        if span is not None:
            found = changes_between(session, span.start, span.end)
            changes = {change.code: change for change in found}
        items = [item for item in items if item.code in changes]
    kept = [item for item in items if keeps(item, wanted, overdue, responsibility(item))]
    return Answer(
        AnswerKind.LIST,
        text,
        items=kept,
        current=current,
        filter=wanted,
        changes={item.code: changes[item.code] for item in kept if item.code in changes},
        span=span,
    )


def _in_edition(
    session: Session,
    index: Callable[[], SearchIndex],
    kind: AnswerKind,
    argument: str,
    edition: str,
    current: str,
) -> Answer:
    if kind == AnswerKind.ITEMS:
        parts = [
            _in_edition(session, index, AnswerKind.ITEM, code, edition, current)
            for code in argument.split()[:MAX_IDS]
        ]
        return Answer(kind, argument, parts=parts, edition=edition, current=current)
    if kind == AnswerKind.ITEM:
        code = canonical_id(argument)
        if code is None:
            items: list[ActionItem] = []
            elsewhere = in_other_editions(session, argument, edition)
        else:
            items, elsewhere = item_and_namesakes(session, code, edition)
        if items:
            items += elsewhere
            return Answer(kind, argument, items=items, edition=edition, current=current)
        if elsewhere:  # not in this edition, but in another: show that one, saying so
            return Answer(kind, argument, items=elsewhere, edition=edition, current=current)
        suggestions = nearest_ids(index(), argument) if edition == current else []
        return Answer(AnswerKind.NOT_FOUND, argument, suggestions=suggestions, current=current)
    resolution, items = resolution_items(session, argument, edition=edition)
    if resolution is not None:
        return Answer(
            kind,
            argument,
            items=items,
            resolution=resolution,
            edition=edition,
            current=current,
        )
    return Answer(AnswerKind.NOT_FOUND, f"Resolution {argument}", current=current)


def nearest_ids(index: SearchIndex, code: str, limit: int = 5) -> list[str]:
    """Ids that look most like ``code``: same Resolution first, then by spelling."""
    from rapidfuzz import fuzz, process

    keys = [document.key for document in index.documents]
    head = code.split("-")[0]
    same = [key for key in keys if key.split("-")[0] == head]
    found = process.extract(code, same or keys, scorer=fuzz.ratio, limit=limit)
    return [key for key, _score, _ in found]


def nearest_words(index: SearchIndex, text: str, limit: int = 5) -> list[str]:
    from rapidfuzz import fuzz, process

    vocabulary = [word for word in index.vocabulary if len(word) >= 3 and not word.isdigit()]
    found = process.extract(text.lower(), vocabulary, scorer=fuzz.ratio, limit=limit)
    return [word for word, score, _ in found if score >= 60]
