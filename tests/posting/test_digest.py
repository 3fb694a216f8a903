"""The weekly digest: what it reads, what it says, and how it splits for Slack."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.plan.updates.record import retract
from bot.posting.digest import (
    MESSAGE_CHARS,
    Digest,
    DigestMessage,
    Progress,
    ResolutionUpdates,
    Section,
    UpdateEntry,
    build_digest,
    pack,
    render_digest,
)
from bot.render import CHUNK, MAX_BLOCKS, MAX_TEXT, Renderer, blocks_to_text
from bot.store.db import Database
from bot.store.models import ActionItem, Meeting, StatusUpdate
from bot.store.synthetic import fill_synthetic
from tests.support.common import FixedClock
from tests.support.snapshots import ensure_plan_once

GENEVA = ZoneInfo("Europe/Zurich")
NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)  # Friday 09:00 in Geneva
IMPORTED = NOW - timedelta(days=400)
LINK = "https://tsag.slack.com/archives/C0UPDATES/p1763625600000100"


@pytest.fixture
def renderer() -> Renderer:
    return Renderer()


@pytest.fixture
def plan(db: Database) -> Database:
    """The bundled WTSA-20 plan, imported 400 days before NOW."""
    ensure_plan_once(db, FixedClock(IMPORTED))
    return db


def item(session: Session, code: str) -> ActionItem:
    return session.scalars(
        select(ActionItem).where(ActionItem.code == code, ActionItem.appendix == "")
    ).one()


def add_update(
    session: Session,
    code: str,
    at: datetime,
    *,
    kind: str = "note",
    text: str = "",
    author: str = "Ana Silva",
    link: str | None = LINK,
    source: str = "slack",
) -> StatusUpdate:
    row = item(session, code)
    previous = {"completed": row.completed, "periodic_goals_met": row.periodic_goals_met}
    if kind == "completed":
        row.completed = True
    if kind == "reopened":
        row.completed = False
    update = StatusUpdate(
        item=row,
        kind=kind,
        text=text or f"{kind} of {code}",
        author=author,
        source=source,
        link=link,
        previous=previous,
        created_at=at,
    )
    session.add(update)
    session.flush()
    return update


def add_meeting(
    session: Session,
    uid: str,
    name: str,
    kind: str,
    start: datetime,
    end: datetime,
    *,
    deadline: datetime | None = None,
    all_day: bool = False,
) -> None:
    session.add(
        Meeting(
            uid=uid,
            name=name,
            kind=kind,
            start=start,
            end=end,
            all_day=all_day,
            timezone="Europe/Zurich",
            deadline=deadline,
            created_at=IMPORTED,
            updated_at=IMPORTED,
        )
    )


def digest_of(db: Database, now: datetime = NOW, **options: int) -> Digest:
    with db.unit_of_work() as session:
        return build_digest(session, now, GENEVA, **options)


def text_of(messages: list[DigestMessage]) -> str:
    return "\n".join(blocks_to_text(message.blocks) for message in messages)


def codes(entries: list[ResolutionUpdates]) -> list[tuple[str, str]]:
    return [(group.label, update.code) for group in entries for update in group.updates]


# -- updates ------------------------------------------------------------------------


def test_updates_are_grouped_by_resolution_in_plan_order(
    plan: Database, renderer: Renderer
) -> None:
    with plan.unit_of_work() as session:
        add_update(session, "50-18", NOW - timedelta(days=1), author="Ana <admin>")
        add_update(session, "01-02", NOW - timedelta(days=2), kind="completed", text="Done & sent")
        add_update(session, "50-05", NOW - timedelta(days=3), kind="periodic", link=None)
        add_update(session, "01-01", NOW - timedelta(days=4), author="Bo Li")
        session.commit()
    digest = digest_of(plan)
    assert codes(digest.updates) == [
        ("Resolution 1", "01-01"),
        ("Resolution 1", "01-02"),
        ("Resolution 50", "50-05"),
        ("Resolution 50", "50-18"),
    ]
    assert digest.updates[0].title.startswith("Rules of procedure")
    [message] = render_digest(renderer, digest)
    mrkdwn = str(message.blocks)
    assert "• `01-02` *completed* by Ana Silva" in mrkdwn
    assert f"Done &amp; sent <{LINK}|message>" in mrkdwn
    assert "• `50-05` *periodic goals met* by Ana Silva" in mrkdwn
    assert "by Ana &lt;admin&gt;" in mrkdwn
    shown = text_of([message])
    assert shown.index("Resolution 1 – Rules") < shown.index("`01-01`") < shown.index("`01-02`")
    assert shown.index("`01-02`") < shown.index("Resolution 50") < shown.index("`50-05`")
    assert "Updates this week (4)" in shown
    assert message.text.startswith("Weekly digest — week of 13 November 2026: 4 updates")


def test_retracted_imported_and_edit_entries_are_left_out(plan: Database) -> None:
    with plan.unit_of_work() as session:
        add_update(session, "01-01", NOW - timedelta(hours=5))
        gone = add_update(session, "01-02", NOW - timedelta(hours=4), kind="completed")
        retract(
            session, gone, reason="undo", actor="Ana", actor_id="U1", now=NOW - timedelta(hours=3)
        )
        edited = add_update(session, "01-03", NOW - timedelta(hours=2))
        retract(
            session, edited, reason="edit", actor="Ana", actor_id="U1", now=NOW - timedelta(hours=1)
        )
        add_update(session, "01-04", NOW - timedelta(hours=1), kind="document", source="import")
        session.commit()
    digest = digest_of(plan)
    assert [(u.code, u.kind) for g in digest.updates for u in g.updates] == [("01-01", "note")]
    assert digest.completed == []


def test_an_undo_of_an_earlier_update_is_news(plan: Database, renderer: Renderer) -> None:
    with plan.unit_of_work() as session:
        earlier = add_update(session, "01-02", NOW - timedelta(days=10), kind="completed")
        retract(
            session,
            earlier,
            reason="undo",
            actor="Bo Li",
            actor_id="U2",
            now=NOW - timedelta(days=1),
        )
        session.commit()
    digest = digest_of(plan)
    assert [(u.code, u.kind, u.author) for g in digest.updates for u in g.updates] == [
        ("01-02", "undo", "Bo Li")
    ]
    assert "• `01-02` *taken back* by Bo Li" in str(render_digest(renderer, digest)[0].blocks)


@pytest.mark.parametrize(
    ("age", "inside"),
    [
        (timedelta(days=7, minutes=1), False),
        (timedelta(days=7), False),
        (timedelta(days=7) - timedelta(minutes=1), True),
        (timedelta(0), True),
        (-timedelta(minutes=1), False),
    ],
)
def test_the_period_is_the_seven_days_up_to_now(
    plan: Database, age: timedelta, inside: bool
) -> None:
    with plan.unit_of_work() as session:
        add_update(session, "01-01", NOW - age)
        session.commit()
    assert bool(digest_of(plan).updates) is inside


def test_the_period_follows_geneva_time_across_a_clock_change(
    plan: Database, renderer: Renderer
) -> None:
    # Summer time began on Sunday 29 March 2026: Monday 09:00 is 07:00 UTC, and
    # the Monday before at 09:00 was 08:00 UTC, 167 hours earlier.
    now = datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    with plan.unit_of_work() as session:
        add_update(session, "01-01", datetime(2026, 3, 23, 7, 30, tzinfo=UTC))  # 08:30 CET
        add_update(session, "01-02", datetime(2026, 3, 23, 8, 30, tzinfo=UTC))  # 09:30 CET
        session.commit()
    digest = digest_of(plan, now)
    assert digest.start == datetime(2026, 3, 23, 8, 0, tzinfo=UTC)
    assert [u.code for g in digest.updates for u in g.updates] == ["01-02"]
    blocks = render_digest(renderer, digest)[0].blocks
    assert blocks[0]["text"]["text"] == "Weekly digest — week of 23 March 2026"
    assert blocks[1]["elements"][0]["text"] == (
        "Mon 23 March 2026 09:00 – Mon 30 March 2026 09:00 Geneva time"
    )


# -- completed, due, stale ---------------------------------------------------------------


def test_completed_lists_items_completed_in_the_period_and_still_completed(
    plan: Database,
) -> None:
    with plan.unit_of_work() as session:
        add_update(session, "02-02", NOW - timedelta(days=2), kind="completed")
        add_update(session, "01-02", NOW - timedelta(days=3), kind="completed")
        add_update(session, "01-03", NOW - timedelta(days=4), kind="completed")
        add_update(session, "01-03", NOW - timedelta(days=1), kind="reopened")
        add_update(session, "01-04", NOW - timedelta(days=9), kind="completed")
        session.commit()
    digest = digest_of(plan)
    assert [entry.code for entry in digest.completed] == ["01-02", "02-02"]
    assert digest.progress.completed_in_period == 2


def test_due_soon_and_past_due_read_milestones_against_the_schedule(
    plan: Database, renderer: Renderer
) -> None:
    tsag = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # ten days ahead
    with plan.unit_of_work() as session:
        add_meeting(session, "tsag-2026", "TSAG meeting", "tsag", tsag, tsag + timedelta(days=4))
        item(session, "01-01").milestone = "TSAG2026"
        item(session, "01-02").milestone = "WTSA-28"
        item(session, "01-03").milestone = "3 months before WTSA-24"
        item(session, "01-04").milestone = "TSAG2026"
        item(session, "01-04").completed = True
        session.commit()
    digest = digest_of(plan)
    # 50-18's milestone is "Ongoing / Each TSAG meeting": due at the next TSAG.
    assert [(e.code, e.day.isoformat(), e.meeting) for e in digest.due_soon] == [
        ("01-01", "2026-11-30", "TSAG meeting"),
        ("50-18", "2026-11-30", "TSAG meeting"),
    ]
    past = {entry.code: entry for entry in digest.past_due}
    assert "01-02" not in past
    assert "01-04" not in past
    assert past["01-03"].day.isoformat() == "2024-09-30"
    assert past["01-03"].estimated
    days = [entry.day for entry in digest.past_due]
    assert days == sorted(days, reverse=True)
    shown = text_of(render_digest(renderer, digest))
    assert "Due in the next two weeks (2)" in shown
    assert "— due 30 November 2026 (TSAG2026 → TSAG meeting)" in shown
    assert f"Past due ({len(digest.past_due)})" in shown
    assert f"… and {len(digest.past_due) - 15} more" in shown


def test_a_meeting_outside_soon_days_is_not_due_soon(plan: Database) -> None:
    tsag = datetime(2026, 12, 10, 8, 0, tzinfo=UTC)  # 20 days ahead
    with plan.unit_of_work() as session:
        add_meeting(session, "tsag-2026", "TSAG meeting", "tsag", tsag, tsag + timedelta(days=4))
        session.commit()
    assert digest_of(plan).due_soon == []
    assert [entry.code for entry in digest_of(plan, soon_days=21).due_soon] == ["50-18"]


def test_stale_items_have_no_standing_update_for_six_months(plan: Database) -> None:
    with plan.unit_of_work() as session:
        add_update(session, "01-01", NOW - timedelta(days=100))
        add_update(session, "01-02", NOW - timedelta(days=190))
        deleted = add_update(session, "01-03", NOW - timedelta(days=300))
        retract(
            session,
            deleted,
            reason="delete",
            actor="Ana",
            actor_id="U1",
            now=NOW - timedelta(days=250),
        )
        add_update(session, "01-05", NOW - timedelta(days=30), kind="document", source="import")
        session.commit()
    digest = digest_of(plan)
    with plan.unit_of_work() as session:
        expected = {
            row.code
            for row in session.scalars(select(ActionItem).where(ActionItem.appendix == ""))
            if not row.completed and row.code not in {"01-01", "01-05"}
        }
    stale = {entry.code: entry for entry in digest.stale}
    assert set(stale) == expected
    # 01-03's only update was taken back, which is no news of the item.
    assert stale["01-03"].last == IMPORTED
    assert stale["01-02"].last == NOW - timedelta(days=190)
    assert stale["01-06"].last == IMPORTED
    assert digest.stale_since == datetime(2026, 5, 22, 7, 0, tzinfo=UTC)  # 09:00 CEST


# -- meetings, progress, quiet ---------------------------------------------------------------


def test_meetings_and_deadlines_of_the_next_two_weeks(plan: Database, renderer: Renderer) -> None:
    day = timedelta(days=1)
    with plan.unit_of_work() as session:
        add_meeting(session, "past", "Over", "other", NOW - 3 * day, NOW - 2 * day)
        add_meeting(session, "now", "Running", "working_party", NOW - day, NOW + day)
        add_meeting(
            session,
            "soon",
            "WP1 e-meeting",
            "working_party",
            NOW + 3 * day,
            NOW + 3 * day + timedelta(hours=2),
            deadline=NOW + 2 * day,
        )
        add_meeting(
            session,
            "week2",
            "TSAG",
            "tsag",
            datetime(2026, 12, 2, 23, 0, tzinfo=UTC),  # Thursday 3 December, Geneva
            datetime(2026, 12, 7, 23, 0, tzinfo=UTC),  # up to Tuesday 8 December
            all_day=True,
            deadline=NOW + 20 * day,
        )
        add_meeting(session, "week3", "Later", "irm", NOW + 15 * day, NOW + 16 * day)
        session.commit()
    digest = digest_of(plan)
    assert [m.name for m in digest.meetings] == ["Running", "WP1 e-meeting", "TSAG"]
    assert [m.name for m in digest.deadlines] == ["WP1 e-meeting"]
    mrkdwn = str(render_digest(renderer, digest)[0].blocks)
    start = int((NOW + 3 * day).timestamp())
    assert f"• *WP1 e-meeting* (Working party) · <!date^{start}^" in mrkdwn
    assert f"<!date^{int((NOW + 2 * day).timestamp())}^" in mrkdwn
    assert "Later" not in mrkdwn
    assert digest.meetings[2].when == "Thu 3–Mon 7 December 2026"


def test_progress_matches_counts_made_independently(plan: Database, renderer: Renderer) -> None:
    with plan.unit_of_work() as session:
        add_update(session, "01-02", NOW - timedelta(days=2), kind="completed")
        session.commit()
        active = list(session.scalars(select(ActionItem).where(ActionItem.appendix == "")))
        total = len(active)
        completed = len([row for row in active if row.completed])
        periodic = len([row for row in active if row.periodic_goals_met])
    progress = digest_of(plan).progress
    assert progress == Progress(total, completed, periodic, 1)
    assert (total, completed) == (397, 12)
    assert progress.percent == 3
    shown = text_of(render_digest(renderer, digest_of(plan)))
    assert f"12 of 397 active items completed (3%) `{'░' * 20}`" in shown
    assert f"{periodic} with periodic goals met · 1 completed this week" in shown


def test_a_quiet_week_says_so_in_one_line(plan: Database, renderer: Renderer) -> None:
    digest = digest_of(plan)
    assert digest.quiet
    [message] = render_digest(renderer, digest)
    shown = blocks_to_text(message.blocks)
    assert "A quiet week: no updates were recorded." in shown
    assert "Updates this week" not in shown
    assert "Completed this week" not in shown
    assert "Meetings in" not in shown


def test_an_empty_database_gives_one_short_message(db: Database, renderer: Renderer) -> None:
    [message] = render_digest(renderer, digest_of(db))
    assert len(message.blocks) == 3
    assert message.text == "Weekly digest — week of 13 November 2026: 0/0 items completed"


# -- splitting --------------------------------------------------------------------------


def check_limits(messages: list[DigestMessage]) -> None:
    for number, message in enumerate(messages, start=1):
        assert len(message.blocks) <= MAX_BLOCKS
        assert len(message.text) <= MAX_TEXT
        texts = [
            element["text"]
            for block in message.blocks
            for element in [block.get("text", {}), *block.get("elements", [])]
            if isinstance(element.get("text"), str)
        ]
        assert all(len(text) <= MAX_TEXT for text in texts)
        assert sum(len(text) for text in texts) <= MESSAGE_CHARS + 400
        if len(messages) > 1:
            assert message.blocks[0]["text"]["text"].endswith(f"({number}/{len(messages)})")


def test_a_huge_digest_is_split_without_losing_a_line(db: Database, renderer: Renderer) -> None:
    with db.unit_of_work() as session:
        fill_synthetic(session, NOW)
        session.commit()
    digest = digest_of(db)
    assert digest.update_count == 1_600  # 2,000 less the retracted and the imported
    messages = render_digest(renderer, digest)
    assert len(messages) > 10
    check_limits(messages)
    shown = text_of(messages)
    update_lines = re.findall(r"^• `([\w-]+)` \w[\w ]* by Person", shown, re.MULTILINE)
    assert sorted(update_lines) == sorted(u.code for g in digest.updates for u in g.updates)
    listed = [entry.code for entry in digest.completed]
    listed += [entry.code for entry in [*digest.due_soon[:15], *digest.past_due[:15]]]
    listed += [entry.code for entry in digest.stale[:15]]
    assert all(f"`{code}`" in shown for code in listed)
    assert "Updates this week (continued)" in shown
    assert shown.count("Progress") == 1


def test_packing_counts_blocks_as_well_as_characters() -> None:
    # 40 one-line sections: a header, the period, 24 sections and 23 dividers make 49 blocks.
    messages = pack([Section(f"*S{n}*", ["x"]) for n in range(40)])
    assert [len(message) for message in messages] == [24, 16]


def test_packing_keeps_sections_whole_when_they_fit() -> None:
    small = [Section(f"*S{n}*", [f"line {n}.{k}" for k in range(3)]) for n in range(5)]
    [message] = pack(small)
    assert [chunks for chunks in message] == [
        [f"*S{n}*\nline {n}.0\nline {n}.1\nline {n}.2"] for n in range(5)
    ]
    x = "x" * 2500
    # Too long for the rest of the message, short enough for a message of its own.
    first, second = pack([Section("*Small*", ["a" * 2000]), Section("*Mid* (4)", [x] * 4)])
    assert first == [["*Small*\n" + "a" * 2000]]
    assert second == [["*Mid* (4)\n" + x, x, x, x]]
    # Too long for any message: it fills this one and goes on under its title.
    first, second = pack([Section("*Small*", ["a"]), Section("*Big* (5)", [x] * 5)])
    assert first == [["*Small*\na"], ["*Big* (5)\n" + x, x, x, x]]
    assert second == [["*Big* (continued)\n" + x]]


@pytest.mark.parametrize("line", ["y" * 10, "y" * 700, "y" * 5000, "`x` & <y> " * 400])
def test_packing_never_breaks_a_limit_and_never_drops_a_line(line: str) -> None:
    lines = [f"{n} {line}" for n in range(600)]
    messages = pack([Section("*Many*", lines), Section("*One*", ["last"])])
    seen = []
    for message in messages:
        blocks = 2 + sum(len(section) for section in message) + len(message) - 1
        assert blocks <= MAX_BLOCKS
        assert sum(len(chunk) for section in message for chunk in section) <= MESSAGE_CHARS
        chunks = [chunk for section in message for chunk in section]
        assert all(len(chunk) <= CHUNK for chunk in chunks)
        lines = [text for chunk in chunks for text in chunk.split("\n")]
        seen += [text.split(" ", 1)[0] for text in lines if not text.startswith("*")]
    assert seen == [*[str(n) for n in range(600)], "last"]


def test_a_huge_digest_built_by_hand_renders_within_limits(renderer: Renderer) -> None:
    """No database: the rendering alone, with every section at its longest."""
    updates = tuple(
        UpdateEntry(f"{n}-01", "note", "z" * 5000, "A" * 300, LINK + "x" * n, NOW)
        for n in range(300)
    )
    digest = Digest(
        GENEVA,
        NOW - timedelta(days=7),
        NOW,
        7,
        NOW - timedelta(days=182),
        14,
        14,
        updates=[ResolutionUpdates(f"Resolution {n}", "T" * 500, updates) for n in range(7)],
        progress=Progress(10, 3, 1, 0),
    )
    messages = render_digest(renderer, digest)
    check_limits(messages)
    shown = text_of(messages)
    assert shown.count("• `") == 2100
