"""What /action understands, and what it answers, without Slack in the way."""

from __future__ import annotations

import pytest

from bot.plan.ids import canonical_id, resolution_of
from bot.plan.importing import import_bytes
from bot.plan.lookup import AnswerKind, answer, classify
from bot.plan.search import Document, SearchIndex
from bot.plan.views import Views
from bot.render import MAX_BLOCKS, MAX_TEXT, Renderer, _texts, blocks_to_text
from bot.settings import Settings
from bot.slack.services import Services, build_index
from bot.store.db import Database
from tests.support.common import FixedClock


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50-18", ("item", "50-18")),
        ("50-8", ("item", "50-08")),
        ("50.18", ("item", "50-18")),
        ("50/18", ("item", "50-18")),
        ("50 18", ("item", "50-18")),
        ("50\u201118", ("item", "50-18")),
        ("50\u201318", ("item", "50-18")),
        ("res 50 item 18", ("item", "50-18")),
        ("Resolution 50 item 18", ("item", "50-18")),
        ("R50-18", ("item", "50-18")),
        ("item 50-18", ("item", "50-18")),
        ("1-11", ("item", "01-11")),
        ("100-2", ("item", "100-02")),
        ("op-01", ("item", "Op-01")),
        ("OP\u20111", ("item", "Op-01")),
        ("50", ("resolution", "50")),
        ("res 50", ("resolution", "50")),
        ("Resolution 50", ("resolution", "50")),
        ("R50", ("resolution", "50")),
        ("opinion 1", ("resolution", "Opinion 1")),
        ("", ("help", "")),
        ("  help ", ("help", "")),
        ("cybersecurity  roadmap", ("search", "cybersecurity roadmap")),
        ("50-18 done", ("search", "50-18 done")),
    ],
)
def test_classify(text: str, expected: tuple[str, str]) -> None:
    assert classify(text) == expected


def test_ids_and_their_resolutions() -> None:
    assert canonical_id("50 - 18") == "50-18"
    assert canonical_id("50-18 done") is None
    assert canonical_id("2023") is None
    assert resolution_of("01-11") == "1"
    assert resolution_of("Op-02") == "Opinion 1"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, plan_text: str) -> Services:
    url = f"sqlite:///{tmp_path_factory.mktemp('lookup') / 'db.sqlite3'}"
    db = Database(url)
    db.upgrade()
    import_bytes(db, plan_text.encode(), "plan.txt", FixedClock())
    return Services(settings=Settings(database_url=url), db=db)


def reply_for(services: Services, text: str) -> tuple[str, list[dict[str, object]]]:
    views = Views(Renderer(), services.settings.tz)
    with services.db.unit_of_work() as session:
        found = answer(session, services.search_index(session), text)
        reply = views.for_answer(session, found)
    return found.kind, reply.blocks


def test_typos_still_find_the_roadmap(loaded: Services) -> None:
    with loaded.db.unit_of_work() as session:
        index = build_index(session)
    for query in ("cybersecurity roadmap", "cybersecurty roadmap", "ICT securty roadmap"):
        keys = [hit.key for hit in index.search(query, limit=8)]
        assert "50-24" in keys, (query, keys)


def test_search_ranks_items_with_every_word_first() -> None:
    index = SearchIndex(
        [
            Document("01-01", "Prepare the host country agreement", "Rules", ""),
            Document("02-01", "Spam countermeasures study", "Countering spam", ""),
            Document("02-02", "Spam reports to TSAG", "Countering spam", "report sent"),
        ]
    )
    hits = index.search("spam report")
    assert [hit.key for hit in hits][:2] == ["02-02", "02-01"]
    assert index.search("zzzz qqqq") == []
    assert index.search("the of and") == []


def test_not_found_suggests_close_ids(loaded: Services) -> None:
    kind, blocks = reply_for(loaded, "50-99")
    assert kind == "not_found"
    assert "50-09" in blocks_to_text(blocks)


@pytest.mark.parametrize(
    "text", ["50-18", "44", "res 73", "cybersecurity", "x" * 5000, "<b>&amp;", "op-02", "help"]
)
def test_every_reply_respects_slacks_limits(loaded: Services, text: str) -> None:
    _kind, blocks = reply_for(loaded, text)
    assert 0 < len(blocks) <= MAX_BLOCKS
    assert all(len(t) <= MAX_TEXT for t in _texts(blocks))
    assert blocks_to_text(blocks).strip()


def test_obsolete_and_alias_are_said(loaded: Services) -> None:
    kind, blocks = reply_for(loaded, "op-01")
    assert kind == "item"
    assert "Obsolete" in blocks_to_text(blocks)
    _kind, blocks = reply_for(loaded, "44-14")
    assert "54-04" in blocks_to_text(blocks)
    _kind, blocks = reply_for(loaded, "54-03")
    text = blocks_to_text(blocks)
    assert "Obsolete" in text
    assert "Appendix I (WTSA-16)" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50-18?", ("item", "50-18")),
        ("50-18.", ("item", "50-18")),
        ("50-18!", ("item", "50-18")),
        ("50-18 status", ("item", "50-18")),
        ("50-18 Status?", ("item", "50-18")),
        ("status 50-18", ("item", "50-18")),
        ("R50-18?", ("item", "50-18")),
        ("item 50-18?", ("item", "50-18")),
        ("op-1?", ("item", "Op-01")),
        ("50\u201118 status", ("item", "50-18")),
        ("50-18 50-18", ("item", "50-18")),
        ("50-18 50-20", ("items", "50-18 50-20")),
        ("50-18, 2-3", ("items", "50-18 02-03")),
        ("50-18; 50-20 and 2-3", ("items", "50-18 50-20 02-03")),
        ("50-18 & 50-20.", ("items", "50-18 50-20")),
        ("50.18,50.20", ("items", "50-18 50-20")),
        ("R50-18, op-1!", ("items", "50-18 Op-01")),
        ("50-18 50-20 status?", ("items", "50-18 50-20")),
        ("50-18, 50-20, 50-18", ("items", "50-18 50-20")),
        ("50-18 done", ("search", "50-18 done")),
        ("50-18 done?", ("search", "50-18 done?")),
        ("security 50-18", ("search", "security 50-18")),
        ("50 18 20", ("search", "50 18 20")),
        ("TD206R1", ("search", "TD206R1")),
        ("2023-24 report", ("search", "2023-24 report")),
        ("status", ("search", "status")),
        ("50?", ("search", "50?")),
    ],
)
def test_ids_with_punctuation_words_and_several_ids(text: str, expected: tuple[str, str]) -> None:
    assert classify(text) == expected


def test_several_ids_list_each_and_say_which_are_unknown(loaded: Services) -> None:
    kind, blocks = reply_for(loaded, "50-18, 50-99 and 1-11")
    assert kind == "items"
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert sections[0] == "Action items *50-18, 50-99, 01-11*:"
    assert sections[1].startswith("*`50-18`* ")
    assert sections[2].startswith("Nothing found for *50-99*. Closest: ")
    assert "`50-09`" in sections[2]
    assert sections[3].startswith("*`01-11`* :white_check_mark: ")
    shows = [b.get("accessory", {}).get("value") for b in blocks if b["type"] == "section"]
    assert shows == [None, "50-18", None, "01-11"]


def test_many_ids_stay_within_slacks_limits(loaded: Services) -> None:
    text = ", ".join(f"50-{n}" for n in range(1, 40))
    kind, blocks = reply_for(loaded, text)
    assert kind == "items"
    assert 0 < len(blocks) <= MAX_BLOCKS
    assert all(len(t) <= MAX_TEXT for t in _texts(blocks))
    assert "19 more ids not shown" in blocks_to_text(blocks)


def test_a_document_finds_the_items_citing_it_in_any_spelling() -> None:
    index = SearchIndex(
        [
            Document("50-18", "Report to TSAG", "Cybersecurity", "See TSAG-TD206 and C 91."),
            Document("50-20", "Report on TD 206R1", "Cybersecurity", ""),
            Document("50-21", "Report on TD 2061", "Cybersecurity", "TD20"),
        ]
    )
    for query in ("TD206", "td 206", "TSAG-TD206", "TD206R1", "TD-206"):
        assert [hit.key for hit in index.citing(query)] == ["50-18", "50-20"], query
    assert [hit.key for hit in index.citing("C91")] == ["50-18"]
    assert "TSAG-TD206" in index.citing("TD206")[0].excerpt
    assert index.citing("TD207") == []
    assert index.citing("cybersecurity report") == []


def test_td206_finds_the_item_whose_status_cites_it(loaded: Services) -> None:
    with loaded.db.unit_of_work() as session:
        found = answer(session, loaded.search_index(session), "TD206")
    assert found.kind == "search"
    # 01-04 and 52-03 cite it as "TSAG-TDs 38, 206".
    assert [hit.key for hit in found.hits] == ["01-04", "50-18", "52-03"]
    assert all("206" in hit.excerpt for hit in found.hits)


def test_a_lookup_by_id_or_resolution_never_asks_for_the_index(loaded: Services) -> None:
    def no_index() -> SearchIndex:
        raise AssertionError("a lookup asked for the search index")

    with loaded.db.unit_of_work(write=False) as session:
        assert answer(session, no_index, "50-18").kind == AnswerKind.ITEM
        assert answer(session, no_index, "50-18, 50-20").kind == AnswerKind.ITEMS
        assert answer(session, no_index, "Resolution 50").kind == AnswerKind.RESOLUTION
        searched = answer(session, lambda: loaded.search_index(session), "cybersecurity")
        assert searched.kind == AnswerKind.SEARCH
