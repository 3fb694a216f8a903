"""Finding action items by approximate words.

Each query word is matched against the vocabulary of the plan with rapidfuzz,
so that ``cybersecurty`` still finds ``cybersecurity``; items are then ranked by
how many of the query's words they contain, weighted by how rare each word is
(a word in every item says little), with matches in the action text and the
Resolution title counting more than matches in the status text.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

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
FIELD_WEIGHTS = {"action": 1.0, "title": 0.8, "status": 0.5}
MIN_SIMILARITY = 80.0


@dataclass(frozen=True)
class Document:
    """What the index knows of one item."""

    key: str  # the item's code
    action: str
    title: str
    status: str


@dataclass(frozen=True)
class Hit:
    key: str
    score: float
    excerpt: str
    matched: tuple[str, ...]


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
        self.vocabulary = list(self.postings)
        total = max(len(self.documents), 1)
        self.idf = {w: math.log(1 + total / len(docs)) for w, docs in self.postings.items()}

    def _similar_words(self, word: str) -> list[tuple[str, float]]:
        if word in self.postings:
            exact = [(word, 100.0)]
            if len(word) < 5:
                return exact
        else:
            exact = []
        cutoff = MIN_SIMILARITY if len(word) >= 5 else 90.0
        found = process.extract(
            word, self.vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff, limit=8
        )
        prefix = [(w, 90.0) for w in self.vocabulary if len(word) >= 4 and w.startswith(word)][:8]
        merged: dict[str, float] = {}
        for candidate, similarity in [*exact, *((w, s) for w, s, _ in found), *prefix]:
            merged[candidate] = max(merged.get(candidate, 0.0), similarity)
        return list(merged.items())

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        """The best matches first; an empty list when no word comes close."""
        query_words = list(dict.fromkeys(words(query)))
        if not query_words:
            return []
        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, set[str]] = defaultdict(set)
        for word in query_words:
            best_for_doc: dict[int, float] = {}
            for candidate, similarity in self._similar_words(word):
                weight = self.idf[candidate] * (similarity / 100.0) ** 2
                for number, field_weight in self.postings[candidate].items():
                    value = weight * field_weight
                    if value > best_for_doc.get(number, 0.0):
                        best_for_doc[number] = value
                        matched[number].add(candidate)
            for number, value in best_for_doc.items():
                scores[number] += value
        if not scores:
            return []
        coverage = {n: len(m) for n, m in matched.items()}
        ranked = sorted(scores, key=lambda n: (-(scores[n] * (1 + coverage[n])), n))[:limit]
        return [
            Hit(
                key=self.documents[n].key,
                score=round(scores[n], 3),
                excerpt=excerpt(self.documents[n], matched[n]),
                matched=tuple(sorted(matched[n])),
            )
            for n in ranked
        ]


def excerpt(document: Document, matched: set[str], width: int = 160) -> str:
    """The part of the action (or status) around the first matched word."""
    for text in (document.action, document.status, document.title):
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
