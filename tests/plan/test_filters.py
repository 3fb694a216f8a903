"""The ``/action`` grammar: ids, Resolutions, filters, searches, and what each finds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.meetings.overdue import OverdueCheck
from bot.plan.changes import Span
from bot.plan.filters import Changed, Filter, State, parse_filter
from bot.plan.lookup import Answer, AnswerKind, answer, classify
from bot.plan.search import Document, SearchIndex
from bot.plan.views import Views
from bot.render import MAX_BLOCKS, Renderer, blocks_to_text
from bot.slack.services import build_index
from bot.store.db import Database
from bot.store.models import ActionItem, StatusUpdate
from bot.store.vocabulary import UpdateKind, UpdateSource
from tests.plan.conftest import GENEVA, PLANNED
from tests.support.common import FixedClock
from tests.support.snapshots import ensure_plan_once

# On SQLite alone: this is about what /action filters and searches find, not the database engine;
# the store's own tests run its way through PostgreSQL.
pytestmark = pytest.mark.sqlite_only

OPEN, DONE, LATE, ON_TIME = State.OPEN, State.DONE, State.OVERDUE, State.NOT_OVERDUE
WEEK, TSAG = Changed.THIS_WEEK, Changed.SINCE_LAST_TSAG

# text -> what /action makes of it: a kind and its argument, or the filter of a list.
GRAMMAR: list[tuple[str, tuple[str, str] | Filter]] = [
    ("50-18", ("item", "50-18")),
    ("50-18?", ("item", "50-18")),
    ("50-18 status", ("item", "50-18")),
    ("status 50-18", ("item", "50-18")),
    ("50-18.", ("item", "50-18")),
    ("50-18 50-20", ("items", "50-18 50-20")),
    ("50-18, 2-3", ("items", "50-18 02-03")),
    ("50-18; 50-20 and 52-03!", ("items", "50-18 50-20 52-03")),
    ("50-18 & 50-20", ("items", "50-18 50-20")),
    ("50-18 , 50-18", ("item", "50-18")),
    ("50-18 et 50-20", ("items", "50-18 50-20")),
    ("50.18 et 50-20 !", ("items", "50-18 50-20")),
    ("50-18 / 50-20", ("items", "50-18 50-20")),
    ("50-18 + 50-20", ("items", "50-18 50-20")),
    ("50-18-50-20", ("search", "50-18-50-20")),  # a range? nothing found, ids suggested
    ("50", ("resolution", "50")),
    ("res 2", ("resolution", "2")),
    ("opinion 1", ("resolution", "Opinion 1")),
    ("open", Filter(OPEN)),
    ("done", Filter(DONE)),
    ("completed", Filter(DONE)),
    ("overdue", Filter(LATE)),
    ("past due", Filter(LATE)),
    ("not done", Filter(OPEN)),
    ("50 open", Filter(OPEN, "50")),
    ("open 50", Filter(OPEN, "50")),
    ("res 50 done", Filter(DONE, "50")),
    ("Resolution 50 overdue", Filter(LATE, "50")),
    ("opinion 1 open", Filter(OPEN, "Opinion 1")),
    ("sg17", Filter(None, None, "SG17")),
    ("SG 17", Filter(None, None, "SG17")),
    ("SG-17", Filter(None, None, "SG17")),
    ("sg-17 open", Filter(OPEN, None, "SG17")),
    ("study group 17 open", Filter(OPEN, None, "SG17")),
    ("sg17 overdue", Filter(LATE, None, "SG17")),
    ("sg17 not overdue", Filter(ON_TIME, None, "SG17")),
    ("not late", Filter(ON_TIME)),
    ("50 not open", Filter(DONE, "50")),
    ("not closed sg17", Filter(OPEN, None, "SG17")),
    ("overdue sg17", Filter(LATE, None, "SG17")),
    ("tsb open", Filter(OPEN, None, "TSB")),
    ("tsbdir", Filter(None, None, "TSBDir")),
    ("TSB Dir done", Filter(DONE, None, "TSBDir")),
    ("tsag overdue", Filter(LATE, None, "TSAG")),
    ("council", Filter(None, None, "Council")),
    ("50 sg17 open", Filter(OPEN, "50", "SG17")),
    ("sg17, res 52, open", Filter(OPEN, "52", "SG17")),
    ("all sgs open", Filter(OPEN, None, "All SGs")),
    ("security open", Filter(OPEN, words="security")),
    ("roadmap sg17 open", Filter(OPEN, None, "SG17", "roadmap")),
    ("council report", ("search", "council report")),
    ("security", ("search", "security")),
    ("cybersecurity roadmap", ("search", "cybersecurity roadmap")),
    ("TD206", ("search", "TD206")),
    ("TSAG-TD206", ("search", "TSAG-TD206")),
    ("50-18 done", ("search", "50-18 done")),  # an update typed in the wrong place
    ("help", ("help", "")),
    ("changed", Filter(changed=WEEK)),
    ("changed this week", Filter(changed=WEEK)),
    ("changes in the last 7 days", Filter(changed=WEEK)),
    ("changed since the last TSAG", Filter(changed=TSAG)),
    ("updated since last tsag?", Filter(changed=TSAG)),
    ("50 changed this week", Filter(None, "50", changed=WEEK)),
    ("sg17 changed", Filter(None, None, "SG17", changed=WEEK)),
    ("changed this week sg17 done", Filter(DONE, None, "SG17", changed=WEEK)),
    ("security changed", Filter(words="security", changed=WEEK)),
]


@pytest.mark.parametrize(("text", "expected"), GRAMMAR, ids=[text for text, _ in GRAMMAR])
def test_what_action_makes_of_a_line(text: str, expected: tuple[str, str] | Filter) -> None:
    kind, argument = classify(text)
    if isinstance(expected, Filter):
        assert kind == AnswerKind.LIST
        assert parse_filter(argument) == expected
    else:
        assert (kind, argument) == expected


@pytest.fixture(scope="module")
def session(bundled_plan: Database) -> Iterator[Session]:
    with bundled_plan.unit_of_work() as session:
        yield session


@pytest.fixture(scope="module")
def index(session: Session) -> SearchIndex:
    return build_index(session)


def ask(session: Session, index: SearchIndex, text: str) -> Answer:
    return answer(session, index, text, overdue=OverdueCheck(session, PLANNED, GENEVA))


def active(session: Session) -> list[ActionItem]:
    return list(session.scalars(select(ActionItem).where(ActionItem.appendix == "")))


def codes(found: Answer) -> list[str]:
    return [item.code for item in found.items] or [hit.key for hit in found.hits]


@pytest.mark.parametrize(
    ("text", "suggested"),
    [("50-18-50-20", ["50-18", "50-20"]), ("50-18-50-99", ["50-18", "50-09", "50-01"])],
)
def test_ids_that_find_nothing_suggest_ids_not_words(
    session: Session, index: SearchIndex, text: str, suggested: list[str]
) -> None:
    found = ask(session, index, text)
    assert (found.kind, found.suggestions) == (AnswerKind.NOT_FOUND, suggested)


def test_filters_count_every_item_they_keep(session: Session, index: SearchIndex) -> None:
    items = active(session)
    open_50 = [i.code for i in items if i.resolution.key == "50" and not i.completed]
    assert codes(ask(session, index, "50 open")) == open_50
    done = [i.code for i in items if i.completed]
    assert codes(ask(session, index, "done")) == done
    assert len(codes(ask(session, index, "open"))) == len(items) - len(done)


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("sg17 overdue", {"52-03", "94-02"}, {"50-18", "01-01"}),
        ("sg17 not overdue", {"50-18", "50-05"}, {"52-03", "94-02", "01-01"}),
        ("sg17", {"50-18", "52-03", "58-01", "97-08"}, {"01-01"}),
        ("tsb open", {"01-01", "50-20"}, {"50-18"}),
        ("tsbdir", {"50-20"}, {"01-01"}),
        ("tsag", {"22-01", "44-14"}, {"50-20"}),
        ("bdt", {"58-01", "32-07"}, {"50-18"}),
        ("50 sg17", {"50-18", "50-05"}, {"50-20", "52-03"}),
        ("security open sg17", {"50-18"}, {"50-20"}),
        ("overdue", {"01-02", "52-03"}, {"50-18"}),
    ],
)
def test_filters_keep_what_they_name(
    session: Session, index: SearchIndex, text: str, present: set[str], absent: set[str]
) -> None:
    found = ask(session, index, text)
    assert found.kind == AnswerKind.LIST
    assert present <= set(codes(found))
    assert not absent & set(codes(found))


@pytest.mark.parametrize("text", ["TD206", "td206", "TD 206", "TD206R1", "TSAG-TD206"])
def test_a_document_reference_finds_what_cites_it(
    session: Session, index: SearchIndex, text: str
) -> None:
    found = ask(session, index, text)
    assert found.kind == AnswerKind.SEARCH
    assert {"50-18", "52-03"} <= set(codes(found))


def test_a_search_counts_every_match_and_pages(session: Session, index: SearchIndex) -> None:
    found = ask(session, index, "security")
    views = Views(Renderer(), GENEVA)
    first = views.search(found)
    total = len(found.hits)
    assert total > 8
    assert first.text == f"{total} action items match security"
    seen = []
    for page in range(1, -(-total // 8) + 1):
        reply = views.search(found, page=page)
        assert len(reply.blocks) <= MAX_BLOCKS
        shown = [b["accessory"]["value"] for b in reply.blocks if "accessory" in b]
        seen += shown
        more = [e for b in reply.blocks if b["type"] == "actions" for e in b["elements"]]
        labels = [e["text"]["text"] for e in more]
        assert any(label.startswith("Show more") for label in labels) == (page * 8 < total)
    assert seen == [hit.key for hit in found.hits]


def test_a_word_finds_the_compounds_it_is_part_of(session: Session, index: SearchIndex) -> None:
    """``security`` finds what says only ``cybersecurity``; the count is every item whose
    text has the word (counted here independently of the index)."""
    found = set(codes(ask(session, index, "security")))
    having = {
        document.key
        for document in index.documents
        if "security" in f"{document.action} {document.title} {document.status}".lower()
    }
    assert {"50-06", "50-08"} <= found
    assert found == having


def test_a_long_list_pages_within_slacks_limits(session: Session, index: SearchIndex) -> None:
    found = ask(session, index, "open")
    views = Views(Renderer(), GENEVA)
    first = views.item_list(found)
    assert first.text.startswith(f"{len(found.items)} open action items")
    assert len(first.blocks) <= MAX_BLOCKS
    assert f"Show more (41–80 of {len(found.items)})" in blocks_to_text(first.blocks)
    last = views.item_list(found, page=99)  # past the end: the last page
    assert "Show more" not in blocks_to_text(last.blocks)


def test_notes_are_searched_and_retracted_ones_are_not() -> None:
    index = SearchIndex(
        [
            Document("50-05", "SG17 to define terms", "Cybersecurity", "", "draft in TSAG-TD777R2"),
            Document("50-06", "SG17 to promote", "Cybersecurity", "", ""),
        ]
    )
    assert [hit.key for hit in index.citing("TD 777")] == ["50-05"]
    assert [hit.key for hit in index.search("draft")] == ["50-05"]


def test_recorded_notes_reach_the_index(memory_database_url: str) -> None:
    db = Database(memory_database_url)
    ensure_plan_once(db, FixedClock(PLANNED))
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with db.unit_of_work() as session:
        item = session.scalars(
            select(ActionItem).where(ActionItem.code == "50-05", ActionItem.appendix == "")
        ).one()
        for text, retracted in (("see TSAG-TD901", None), ("see TSAG-TD902", now)):
            session.add(
                StatusUpdate(
                    item_id=item.id,
                    kind=UpdateKind.NOTE,
                    text=text,
                    source=UpdateSource.SLACK,
                    documents=[text.removeprefix("see ")],
                    created_at=now,
                    retracted_at=retracted,
                )
            )
        session.commit()
    with db.unit_of_work() as session:
        index = build_index(session)
        assert [hit.key for hit in index.citing("TD901")] == ["50-05"]
        assert index.citing("TD902") == []
    db.dispose()


def test_changed_lists_the_net_change_of_each_item_in_its_span(memory_database_url: str) -> None:
    """``/action changed ...``: the items with a change in the span, filtered like any list,
    each line saying what changed; a span whose start is unknown says so."""
    db = Database(memory_database_url)
    ensure_plan_once(db, FixedClock(PLANNED))
    now = datetime(2026, 12, 1, tzinfo=UTC)
    rows = [
        ("50-05", UpdateKind.COMPLETED, 2, "", {"completed": False}),
        ("50-05", UpdateKind.REOPENED, 1, "", {"completed": True}),
        ("50-20", UpdateKind.NOTE, 3, "draft in C 91", {"completed": False}),
        ("52-03", UpdateKind.COMPLETED, 4, "", {"completed": False}),
        ("01-01", UpdateKind.NOTE, 200, "too early", {"completed": False}),
    ]
    with db.unit_of_work() as session:
        items = {item.code: item for item in active(session)}
        for code, kind, hours_ago, text, previous in rows:
            session.add(
                StatusUpdate(
                    item_id=items[code].id,
                    kind=kind,
                    text=text,
                    source=UpdateSource.SLACK,
                    previous={**previous, "periodic_goals_met": items[code].periodic_goals_met},
                    created_at=now - timedelta(hours=hours_ago),
                )
            )
        items["52-03"].completed = True
        session.commit()
    week = Span(now - timedelta(days=7), now, "in the last 7 days")

    def spans(changed: Changed) -> Span | None:
        return week if changed == WEEK else None

    views = Views(Renderer(), GENEVA)
    with db.unit_of_work() as session:
        index = build_index(session)

        def changed(text: str) -> Answer:
            return answer(session, index, text, spans=spans)

        assert codes(changed("changed this week")) == ["50-05", "50-20", "52-03"]
        assert codes(changed("50 changed")) == ["50-05", "50-20"]
        assert codes(changed("sg17 changed")) == ["50-05", "52-03"]
        assert codes(changed("tsbdir changed this week")) == ["50-20"]
        assert codes(changed("changed done")) == ["52-03"]
        shown = blocks_to_text(views.item_list(changed("changed")).blocks)
        assert "3 action items changed this week" in shown
        assert "`52-03` periodic goals met, not completed → completed —" in shown
        assert "`50-05` still open · 2 updates with no net change —" in shown
        assert "1 note: “draft in C 91”" in shown
        assert "in the last 7 days" in shown
        since = changed("changed since the last TSAG")
        assert since.items == []
        assert since.span is None
        assert "no TSAG meeting before now" in blocks_to_text(views.item_list(since).blocks)
    db.dispose()
