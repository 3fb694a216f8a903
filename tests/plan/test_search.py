"""An index updated in place answers as one built afresh from the same documents."""

from __future__ import annotations

import pytest

from bot.plan.search import Document, SearchIndex

pytestmark = pytest.mark.sqlite_only

BEFORE = [
    Document("50-01", "Promote cybersecurity awareness", "Security", "see TSAG-TD101"),
    Document("50-02", "Organize the roadmap workshop", "Workshops", ""),
    Document("50-03", "Report on quantum networks", "Quantum", "TD303 sent"),
]
AFTER = [
    Document("50-02", "Organize the roadmap workshop again", "Workshops", "", "see TD202R1"),
    Document("50-03", "Report on quantum networks", "Quantum", "TD303 sent"),
    Document("50-04", "Study zanzibarian cybersecurity", "Security", ""),
]
QUERIES = ["cybersecurity", "cybersecurty", "roadmap workshop", "TD101", "TD202", "zanzibar"]


def test_an_updated_index_answers_as_a_fresh_one() -> None:
    updated = SearchIndex(BEFORE).updated(
        [(AFTER[0], 1), (AFTER[2], 3)], removed=["50-01", "50-99"]
    )
    fresh = SearchIndex(AFTER)
    for query in QUERIES:
        assert updated.search(query) == fresh.search(query), query
        assert updated.citing(query) == fresh.citing(query), query
    assert updated.documents == fresh.documents
    assert sorted(updated.vocabulary) == fresh.sorted_vocabulary == updated.sorted_vocabulary
    assert "awareness" not in updated.postings
    assert [hit.key for hit in SearchIndex(BEFORE).search("awareness")] == ["50-01"]


def test_an_update_that_only_moves_a_word_reweights_it() -> None:
    moved = Document("50-03", "Report on networks", "Quantum", "quantum TD303 sent")
    updated = SearchIndex(BEFORE).updated([(moved, 2)])
    fresh = SearchIndex([*BEFORE[:2], moved])
    assert updated.postings["quantum"] == fresh.postings["quantum"] == {2: 0.8}
    for query in ["quantum", "networks", "TD303", "report"]:
        assert updated.search(query) == fresh.search(query), query
        assert updated.citing(query) == fresh.citing(query), query
    assert SearchIndex(BEFORE).postings["quantum"] == {2: 1.0}


def test_an_update_across_the_slots_chunks_leaves_the_index_it_started_from() -> None:
    plan = [
        Document(f"{n // 100 + 1}-{n % 100 + 1}", f"Study word{n}", "Title", "")
        for n in range(1024)
    ]
    index = SearchIndex(plan)
    changed = Document(plan[3].key, "Study zanzibar", "Title", "")
    added = Document("99-1", "Study quokka", "Title", "")
    updated = index.updated([(changed, 3), (added, 1024)], removed=[plan[1000].key])
    after = [changed if n == 3 else d for n, d in enumerate(plan) if n != 1000] + [added]
    fresh = SearchIndex(after, [n for n in range(1025) if n != 1000])
    assert updated.documents == fresh.documents
    for query in ["zanzibar", "quokka", "word3", "word1000", "word1023"]:
        assert updated.search(query) == fresh.search(query), query
    for query in ["zanzibar", "quokka", "word3", "word1000"]:  # the old one is intact
        assert index.search(query) == SearchIndex(plan).search(query), query
    assert index.documents == plan
