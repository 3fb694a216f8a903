"""Finding action items by approximate words.

Each query word is matched against the vocabulary of the plan with rapidfuzz,
so that ``cybersecurty`` still finds ``cybersecurity``, and with every word it is
part of (``security`` finds ``cybersecurity``); items are then ranked by
how many of the query's words they contain, weighted by how rare each word is
(a word in every item says little), with matches in the action text and the
Resolution title counting more than matches in the status text.
"""

from __future__ import annotations

import bisect
import copy
import heapq
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from rapidfuzz import fuzz, process

from bot.plan.updates.parse import extract_documents

# ``TSAG-TD206``, ``SG17-TD206``, ``TD206R1``, ``TD206-R1``, ``TD206/PLEN``: all ``TD206``.
DOCUMENT_CORE = re.compile(
    r"(?:(?:TSAG|SG[0-9]{1,2})-)?(?P<core>(?:TD|C)[0-9]+)(?:-?R[0-9]{1,2})?(?:/[A-Z0-9/]+)?"
)
WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
        "which",
        "who",
        "what",
        "when",
        "where",
        "how",
    ]
)
FIELD_WEIGHTS = {"action": 1.0, "title": 0.8, "status": 0.5, "notes": 0.5}
MIN_SIMILARITY = 80.0
MAX_VARIANTS = 4  # vocabulary words a query word may stand for
SIMILARITY_SPREAD = 10.0  # variants this much less similar than the best are dropped
MIN_COMPOUND = 5  # a query word this long also finds the words it is part of
COMPOUND = 90.0  # the similarity of such a word: ``security`` in ``cybersecurity``
COMBINING_FORMS = frozenset(
    ("cyber", "e", "tele", "inter", "intra", "micro", "multi", "non", "bio", "geo", "eco")
)
"""What may open a compound of a query word: ``cyber`` + ``security``."""


@dataclass(frozen=True)
class Document:
    """What the index knows of one item."""

    key: str  # the item's code
    action: str
    title: str
    status: str
    notes: str = ""  # the words and document references of the updates recorded on it


@dataclass(frozen=True)
class Hit:
    key: str
    score: float
    excerpt: str
    matched: tuple[str, ...]


def document_core(reference: str) -> str:
    """What a document reference (as :func:`extract_documents` gives it) is found by:
    ``TD206`` for any group's TD 206 and any of its revisions."""
    match = DOCUMENT_CORE.fullmatch(reference)
    return match["core"] if match else reference


def words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if w not in STOP_WORDS and len(w) > 1]


class SearchIndex:
    """An in-memory index of the plan, built once and asked many times.

    :meth:`updated` gives a new index with some documents put in or taken out, sharing
    what they do not touch, so that a plan change never rebuilds the whole index and a
    search running meanwhile keeps reading the index it started with.  Documents are
    ranked, and cited in, the order of their ``positions`` (by default, as given).
    """

    def __init__(self, documents: Iterable[Document], positions: Iterable[int] = ()) -> None:
        slots: list[Document | None] = list(documents)
        given = list(positions)
        order = given if len(given) == len(slots) else list(range(len(slots)))
        self._count = len(slots)
        self._slots = _chunked(slots)
        self._order = _chunked(order)
        self._slot_of = {document.key: n for n, document in enumerate(slots) if document}
        self._live = len(self._slot_of)
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        cited: dict[str, list[int]] = defaultdict(list)
        for number, document in enumerate(slots):
            if document is not None:
                for word, weight in _weights(document).items():
                    postings[word][number] = weight
                for core in _cores(document):
                    cited[core].append(number)
        self.postings = dict(postings)
        self.cited = dict(cited)
        self.vocabulary = list(self.postings)
        self.sorted_vocabulary = sorted(self.vocabulary)

    @property
    def documents(self) -> list[Document]:
        """Every document, in the order they were given (new ones last)."""
        return [document for chunk in self._slots for document in chunk if document is not None]

    def updated(
        self, put: Iterable[tuple[Document, int]] = (), removed: Iterable[str] = ()
    ) -> SearchIndex:
        """A new index with each ``(document, position)`` put in place of the one with
        its key (or added), and the documents keyed ``removed`` taken out.

        Only the words (and cited documents) whose entry for a document changes have
        their postings (citing list) copied, each once: the cost grows with what
        changes, not with the plan times the change.  The key-to-slot map is shared
        unless a key comes or goes."""
        new = copy.copy(self)
        slots = _Chunks(self._slots, self._count)
        order = _Chunks(self._order, self._count)
        edit = _Edit(dict(self.postings), dict(self.cited))
        slot_of = self._slot_of  # copied only if a key comes or goes
        for key in removed:
            if key in slot_of:
                if slot_of is self._slot_of:
                    slot_of = dict(slot_of)
                gone_slot = slot_of.pop(key)
                edit.replace(gone_slot, slots.get(gone_slot), None)
                slots.set(gone_slot, None)
        for document, position in put:
            slot = slot_of.get(document.key)
            if slot is None:
                if slot_of is self._slot_of:
                    slot_of = dict(slot_of)
                slot = slot_of[document.key] = slots.append(None)
                order.append(position)
            edit.replace(slot, slots.get(slot), document)
            slots.set(slot, document)
            order.set(slot, position)
        new._slots, new._order, new._count = slots.chunks, order.chunks, slots.count
        new._slot_of = slot_of
        new._live = len(new._slot_of)
        new.postings, new.cited = edit.postings, edit.cited
        gone = {word for word in edit.words if not new.postings[word]}
        added = {word for word in edit.words if word not in self.postings and word not in gone}
        for word in gone:
            del new.postings[word]
        for core in [core for core in edit.cores if not new.cited[core]]:
            del new.cited[core]
        if gone or added:
            new.vocabulary = list(new.postings)
            new.sorted_vocabulary = sorted(
                [word for word in self.sorted_vocabulary if word not in gone] + sorted(added)
            )
        return new

    def _idf(self, word: str) -> float:
        """How rare a word is: a word in every item says little."""
        return math.log(1 + max(self._live, 1) / max(len(self.postings[word]), 1))

    def _position(self, number: int) -> int:
        return self._order[number >> CHUNK_BITS][number & CHUNK_MASK]

    def _rank(self, number: int) -> tuple[int, int]:
        return self._position(number), number

    def _document(self, number: int) -> Document:
        document = self._slots[number >> CHUNK_BITS][number & CHUNK_MASK]
        assert document is not None, "postings name only the slots that hold a document"
        return document

    def _ranked(
        self, scores: dict[int, float], coverage: dict[int, int], limit: int | None
    ) -> list[int]:
        """The ``limit`` best of the scored slots: the highest score times the number of
        query words matched, then plan order.  Ordered in full only among those that
        reach the ``limit``-th best score: at 100,000 items a common word scores tens of
        thousands of slots, and the plan order of each took most of a search's time."""
        final = {n: score * (1 + coverage[n]) for n, score in scores.items()}
        if limit is not None and limit < len(final):
            if limit <= 0:
                return []
            threshold = heapq.nlargest(limit, final.values())[-1]
            final = {n: value for n, value in final.items() if value >= threshold}
        ranked = sorted(final, key=lambda n: (-final[n], self._position(n), n))
        return ranked if limit is None else ranked[:limit]

    def _similar_words(self, word: str) -> list[tuple[str, float]]:
        """Vocabulary words close to ``word``: itself, its best misspelling matches, and
        words it starts (``digit`` for ``digital``), each with a similarity of 0-100."""
        if word in self.postings and len(word) < 5:
            return [(word, 100.0)]
        cutoff = MIN_SIMILARITY if len(word) >= 5 else 90.0
        found = process.extract(
            word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff, limit=MAX_VARIANTS
        )
        merged: dict[str, float] = {w: similarity for w, similarity, _ in found}
        if word in self.postings:
            merged[word] = 100.0
        elif len(word) >= 4:
            start = bisect.bisect_left(self.sorted_vocabulary, word)
            for candidate in self.sorted_vocabulary[start : start + MAX_VARIANTS]:
                if not candidate.startswith(word):
                    break
                merged[candidate] = max(merged.get(candidate, 0.0), 90.0)
        best = max(merged.values(), default=0.0)
        close = sorted(merged.items(), key=lambda pair: -pair[1])
        kept = [(w, s) for w, s in close if s >= best - SIMILARITY_SPREAD][:MAX_VARIANTS]
        if len(word) >= MIN_COMPOUND:  # every compound counts, so that a count is true
            chosen = {w for w, _ in kept}
            kept += [(w, COMPOUND) for w in self._compounds(word) if w not in chosen]
        return kept

    def _compounds(self, word: str) -> list[str]:
        """Vocabulary words made of ``word`` and a combining form (``cybersecurity``,
        ``e-health``) or another word joined by a hyphen (``security-related``,
        ``ict-security``); not a word it merely sits in (``transcript``)."""
        found = []
        for candidate in self.vocabulary:
            if word not in candidate or candidate == word:
                continue
            parts = candidate.split("-")
            if word in parts or candidate.removesuffix(word) in COMBINING_FORMS:
                found.append(candidate)
        return found

    def citing(self, query: str, limit: int | None = 10) -> list[Hit]:
        """Items whose action, status or recorded notes cite a document the query names
        (``TD206`` finds ``TSAG-TD206``, ``TD 206``, ``TD206R1``), in plan order; else
        none.  ``limit=None``: every one."""
        cores = list(dict.fromkeys(document_core(r) for r in extract_documents(query)))
        numbers = sorted({n for core in cores for n in self.cited.get(core, [])}, key=self._rank)
        matched = {core.lower() for core in cores} | {core.lstrip("TDC") for core in cores}
        return [
            Hit(
                key=self._document(n).key,
                score=1.0,
                excerpt=excerpt(self._document(n), matched),
                matched=tuple(sorted(matched)),
            )
            for n in numbers[:limit]
        ]

    def search(self, query: str, limit: int | None = 10) -> list[Hit]:
        """The best matches first; an empty list when no word comes close.
        ``limit=None``: every item that matches, so that a count tells the truth."""
        query_words = list(dict.fromkeys(words(query)))
        scores: dict[int, float] = defaultdict(float)
        coverage: dict[int, int] = defaultdict(int)
        variants: list[str] = []
        for word in query_words:
            best_for_doc: dict[int, float] = {}
            for candidate, similarity in self._similar_words(word):
                variants.append(candidate)
                weight = self._idf(candidate) * (similarity / 100.0) ** 2
                weighted = {n: weight * w for n, w in self.postings[candidate].items()}
                if not best_for_doc:
                    best_for_doc = weighted
                    continue
                for number, value in weighted.items():
                    if value > best_for_doc.get(number, 0.0):
                        best_for_doc[number] = value
            for number, value in best_for_doc.items():
                scores[number] += value
                coverage[number] += 1
        hits = []
        for n in self._ranked(scores, coverage, limit):
            matched = {v for v in variants if n in self.postings[v]}
            hits.append(
                Hit(
                    key=self._document(n).key,
                    score=round(scores[n], 3),
                    excerpt=excerpt(self._document(n), matched),
                    matched=tuple(sorted(matched)),
                )
            )
        return hits


CHUNK_BITS = 10
CHUNK_MASK = (1 << CHUNK_BITS) - 1
"""Slots are kept in chunks of 1,024, so that an update copies the chunks it touches
(and the list of chunks), not a list as long as the plan: copying, then freeing, a
list of 100,000 documents touches every one of them (their reference counts), which
took tens of milliseconds on a busy machine."""

T = TypeVar("T")


def _chunked(values: list[T]) -> list[list[T]]:
    size = 1 << CHUNK_BITS
    return [values[start : start + size] for start in range(0, len(values), size)]


class _Chunks(Generic[T]):
    """Chunked slots being updated: each chunk is copied the first time it changes
    (the index the update started from keeps its own)."""

    def __init__(self, chunks: list[list[T]], count: int) -> None:
        self.chunks = list(chunks)
        self.count = count
        self._copied: set[int] = set()

    def get(self, number: int) -> T:
        return self.chunks[number >> CHUNK_BITS][number & CHUNK_MASK]

    def set(self, number: int, value: T) -> None:
        self._own(number >> CHUNK_BITS)[number & CHUNK_MASK] = value

    def append(self, value: T) -> int:
        """Put ``value`` in a new slot, last; its number."""
        number = self.count
        if number & CHUNK_MASK == 0:
            self.chunks.append([])
            self._copied.add(len(self.chunks) - 1)
        self._own(number >> CHUNK_BITS).append(value)
        self.count += 1
        return number

    def _own(self, chunk: int) -> list[T]:
        if chunk not in self._copied:
            self.chunks[chunk] = list(self.chunks[chunk])
            self._copied.add(chunk)
        return self.chunks[chunk]


class _Edit:
    """The postings and citing lists of an index being updated: each word's or
    document's entry is copied the first time the update touches it, then changed in
    place (the index the update started from keeps its own)."""

    def __init__(self, postings: dict[str, dict[int, float]], cited: dict[str, list[int]]):
        self.postings, self.cited = postings, cited
        self.words: set[str] = set()
        self.cores: set[str] = set()

    def _postings(self, word: str) -> dict[int, float]:
        if word not in self.words:
            self.words.add(word)
            self.postings[word] = dict(self.postings.get(word, {}))
        return self.postings[word]

    def _cited(self, core: str) -> list[int]:
        if core not in self.cores:
            self.cores.add(core)
            self.cited[core] = list(self.cited.get(core, []))
        return self.cited[core]

    def replace(self, slot: int, old: Document | None, new: Document | None) -> None:
        """The slot's document ``old`` (None: none) becomes ``new`` (None: taken out).
        Only the words and documents whose entry changes are touched: a word in most
        items (``itu``) keeps its postings when an update adds a note to one of them."""
        before = _weights(old) if old is not None else {}
        after = _weights(new) if new is not None else {}
        for word in before.keys() - after.keys():
            self._postings(word).pop(slot, None)
        for word, weight in after.items():
            if before.get(word) != weight:
                self._postings(word)[slot] = weight
        cited = _cores(old) if old is not None else []
        citing = _cores(new) if new is not None else []
        for core in set(cited) - set(citing):
            numbers = self._cited(core)
            if slot in numbers:
                numbers.remove(slot)
        for core in citing:
            if core not in cited:
                self._cited(core).append(slot)


def _weights(document: Document) -> dict[str, float]:
    """Each word of a document with the weight of the best field it is in."""
    found: dict[str, float] = {}
    for field_name, weight in FIELD_WEIGHTS.items():
        for word in words(getattr(document, field_name)):
            found[word] = max(found.get(word, 0.0), weight)
    return found


def _cores(document: Document) -> list[str]:
    """The documents an item cites (its action, status and notes), each once."""
    references = extract_documents(f"{document.action}\n{document.status}\n{document.notes}")
    return list(dict.fromkeys(document_core(r) for r in references))


def excerpt(document: Document, matched: set[str], width: int = 160) -> str:
    """The part of the action (or status) around the first matched word."""
    for text in (document.action, document.status, document.notes, document.title):
        flat = " ".join(text.split())
        lowered = flat.lower()
        positions = [lowered.find(word) for word in matched if word in lowered]
        positions = [p for p in positions if p >= 0]
        if positions:
            start = max(min(positions) - width // 3, 0)
            piece = flat[start : start + width]
            prefix = "…" if start > 0 else ""
            suffix = "…" if start + width < len(flat) else ""
            return prefix + piece.strip() + suffix
    flat = " ".join(document.action.split())
    return flat[:width] + ("…" if len(flat) > width else "")
