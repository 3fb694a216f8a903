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
import heapq
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

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
    """An in-memory index of the plan, built once and asked many times."""

    def __init__(self, documents: Iterable[Document]) -> None:
        self.documents = list(documents)
        postings: dict[str, dict[int, float]] = defaultdict(dict)
        for number, document in enumerate(self.documents):
            for field_name, weight in FIELD_WEIGHTS.items():
                for word in set(words(getattr(document, field_name))):
                    best = postings[word].get(number, 0.0)
                    postings[word][number] = max(best, weight)
        self.postings = dict(postings)
        cited: dict[str, list[int]] = defaultdict(list)
        for number, document in enumerate(self.documents):
            references = extract_documents(
                f"{document.action}\n{document.status}\n{document.notes}"
            )
            for core in dict.fromkeys(document_core(r) for r in references):
                cited[core].append(number)
        self.cited = dict(cited)
        self.vocabulary = list(self.postings)
        self.sorted_vocabulary = sorted(self.vocabulary)
        total = max(len(self.documents), 1)
        self.idf = {w: math.log(1 + total / len(docs)) for w, docs in self.postings.items()}

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
        numbers = sorted({n for core in cores for n in self.cited.get(core, [])})
        matched = {core.lower() for core in cores} | {core.lstrip("TDC") for core in cores}
        return [
            Hit(
                key=self.documents[n].key,
                score=1.0,
                excerpt=excerpt(self.documents[n], matched),
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
                weight = self.idf[candidate] * (similarity / 100.0) ** 2
                for number, field_weight in self.postings[candidate].items():
                    value = weight * field_weight
                    if value > best_for_doc.get(number, 0.0):
                        best_for_doc[number] = value
            for number, value in best_for_doc.items():
                scores[number] += value
                coverage[number] += 1
        ranked = heapq.nlargest(
            len(scores) if limit is None else limit,
            scores,
            key=lambda n: (scores[n] * (1 + coverage[n]), -n),
        )
        hits = []
        for n in ranked:
            matched = {v for v in variants if n in self.postings[v]}
            hits.append(
                Hit(
                    key=self.documents[n].key,
                    score=round(scores[n], 3),
                    excerpt=excerpt(self.documents[n], matched),
                    matched=tuple(sorted(matched)),
                )
            )
        return hits


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
