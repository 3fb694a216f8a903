"""The weekly digest: what it reads, what it says, and how it splits for Slack."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.plan.updates.record import retract
from bot.posting.digest import (
    Digest,
    FlagChange,
    ItemChange,
    MilestoneDue,
    Progress,
    ResolutionUpdates,
    build_digest,
)
from bot.posting.digest_text import (
    CHANGED_HINT,
    UPDATES_SHOWN,
    DigestMessage,
    render_digest,
)
from bot.render import Renderer, blocks_to_text
from bot.store.db import Database
from bot.store.models import ActionItem, ImportRun, Meeting, StatusUpdate
from bot.store.synthetic import fill_synthetic
from bot.store.vocabulary import UpdateKind
from tests.posting.test_digest_text import check_limits
from tests.support.common import FixedClock
from tests.support.snapshots import ensure_plan_once

# On SQLite alone: this is about what the digest says of a week, not the database engine; the
# store's own tests run its way through PostgreSQL.
pytestmark = pytest.mark.sqlite_only

GENEVA = ZoneInfo("Europe/Zurich")
NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)  # Friday 09:00 in Geneva
IMPORTED = NOW - timedelta(days=400)
# The bundled plan's statuses report nothing later than 18 January 2024: its own date.
DOCUMENT_DAY = date(2024, 1, 18)
DOCUMENT = datetime.combine(DOCUMENT_DAY, time(), tzinfo=GENEVA).astimezone(UTC)
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
    """An update as the recorder writes it: the flags it found, and its effect on them."""
    row = item(session, code)
    previous = {"completed": row.completed, "periodic_goals_met": row.periodic_goals_met}
    if kind == "completed":
        row.completed = True
    if kind == "periodic":
        row.periodic_goals_met = True
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


def undo(session: Session, update: StatusUpdate, at: datetime, actor: str = "Ana Silva") -> None:
    retract(session, update, reason=UpdateKind.UNDO, actor=actor, actor_id="U1", now=at)


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
    return [(group.label, change.code) for group in entries for change in group.items]


def changes(digest: Digest) -> dict[str, ItemChange]:
    return {change.code: change for group in digest.updates for change in group.items}


def geneva(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of November 2026, Geneva time."""
    return datetime(2026, 11, day, hour, minute, tzinfo=GENEVA).astimezone(UTC)


# -- a week of realistic activity ---------------------------------------------------


def test_a_week_of_activity_says_what_changed(plan: Database, renderer: Renderer) -> None:
    """Friday 13 to Friday 20 November 2026: a TSAG meeting on Monday, several editors."""
    with plan.unit_of_work() as session:
        tsag = geneva(16, 9, 30)
        add_meeting(session, "tsag-nov", "TSAG, November 2026", "tsag", tsag, geneva(16, 17, 30))
        add_meeting(
            session,
            "irm-dec",
            "Fourth IRM for WTSA-28",
            "irm",
            geneva(26, 13),
            geneva(26, 16),
            deadline=geneva(23, 23, 59),
        )
        for code in ("01-02", "01-06", "22-03"):  # TSAG2026: due at Monday's meeting
            item(session, code).milestone = "TSAG2026"
        item(session, "01-07").milestone = "2026-11-18"
        item(session, "01-08").milestone = "Each IRM"
        # 50-18: a chair's notes, then the secretariat marks it done.
        add_update(
            session, "50-18", geneva(16, 10), text="SG17 draft report in C 91", author="Bo Li"
        )
        add_update(
            session,
            "50-18",
            geneva(17, 11),
            text="Reported at TSAG, see TSAG-TD206",
            author="Chidi Okafor",
        )
        add_update(session, "50-18", geneva(18, 9), kind="completed", text="50-18 done")
        # 50-05: done by mistake, reopened two days later: no change.
        add_update(session, "50-05", geneva(16, 12), kind="completed", author="Dana Petrov")
        add_update(session, "50-05", geneva(18, 12), kind="reopened", author="Bo Li")
        # 20-05: periodic goals met.
        add_update(session, "20-05", geneva(17, 15), kind="periodic", author="Dana Petrov")
        # 22-03: three progress notes from one coordinator, the latest shown.
        for day, words in [(14, "first draft"), (17, "second draft"), (19, "final draft sent")]:
            add_update(session, "22-03", geneva(day, 10), text=words, author="Chidi Okafor")
        # 01-03: completed three weeks ago, taken back this week.
        earlier = add_update(session, "01-03", geneva(1, 10), kind="completed", author="Bo Li")
        undo(session, earlier, geneva(19, 16))
        # 01-09: a note posted and undone within the week: nothing.
        slip = add_update(session, "01-09", geneva(18, 16), text="wrong item")
        undo(session, slip, geneva(18, 16, 1))
        # 01-10: completed last week, before the period: not this week's news.
        add_update(session, "01-10", geneva(12, 10), kind="completed")
        session.commit()
    digest = digest_of(plan)

    # Net changes, by Resolution in plan order.
    assert codes(digest.updates) == [
        ("Resolution 1", "01-03"),
        ("Resolution 20", "20-05"),
        ("Resolution 22", "22-03"),
        ("Resolution 50", "50-18"),
    ]
    found = changes(digest)
    assert (found["50-18"].changes, found["50-18"].notes) == ((FlagChange.COMPLETED,), 2)
    assert found["50-18"].text == "Reported at TSAG, see TSAG-TD206"
    assert found["50-18"].authors == ("Bo Li", "Chidi Okafor", "Ana Silva")
    assert (found["22-03"].changes, found["22-03"].notes, found["22-03"].text) == (
        (),
        3,
        "final draft sent",
    )
    assert found["20-05"].changes == (FlagChange.PERIODIC,)
    assert found["01-03"].changes == (FlagChange.TAKEN_BACK,)
    assert [entry.code for entry in digest.completed] == ["50-18"]

    # Milestones that fell due this week, by milestone, latest first; the older ones counted.
    assert digest.past_due == [
        MilestoneDue("2026-11-18", "", date(2026, 11, 18), False, ("01-07",)),
        MilestoneDue(
            "TSAG2026",
            "TSAG, November 2026",
            date(2026, 11, 16),
            False,
            ("01-02", "01-06", "22-03"),
        ),
    ]
    assert digest.past_due_before > 50  # the plan's TSAG2023, 2022, Council 2023 ... items
    assert digest.milestones_before < digest.past_due_before
    assert [entry.code for entry in digest.due_soon] == ["01-08"]  # at the IRM on the 26th

    # No update for six months: from the plan document's own date, not the import's.
    stale = {entry.code: entry for entry in digest.stale}
    assert not {"50-18", "22-03"} & set(stale)
    assert (stale["01-04"].last, stale["01-04"].by_document) == (DOCUMENT, True)
    # Every open item but the three people touched (50-05's reopening counts; 01-03's undo not).
    assert len(stale) == digest.progress.total - digest.progress.completed - 3
    assert "50-05" not in stale
    assert stale["01-03"].by_document

    messages = render_digest(renderer, digest)
    assert len(messages) == 1  # fits on a screen or two
    shown = text_of(messages)
    assert "Updates this week (4 items)" in shown
    assert (
        "• `50-18` completed with 2 notes by Bo Li, Chidi Okafor, Ana Silva 18 Nov 2026: "
        "Reported at TSAG, see TSAG-TD206"
    ) in shown
    assert "• `22-03` 3 notes by Chidi Okafor 19 Nov 2026: final draft sent" in shown
    assert "• `20-05` periodic goals met by Dana Petrov 17 Nov 2026" in shown
    assert "• `01-03` taken back by Ana Silva 19 Nov 2026" in shown
    assert not [code for code in ("50-05", "01-09", "01-10") if code in shown]
    assert "Completed this week (1)" in shown
    total_past = digest.past_due_before + 4
    assert f"Past due ({total_past} open items)" in shown
    assert (
        "• TSAG2026 → TSAG, November 2026, due 16 November 2026: 3 open items: "
        "`01-02`, `01-06`, `22-03`"
    ) in shown
    assert "• 2026-11-18, due 18 November 2026: 1 open item: `01-07`" in shown
    assert (
        f"• {digest.past_due_before} open items past {digest.milestones_before} milestones "
        "that fell due before this week: `/action overdue`"
    ) in shown
    assert "`01-04` " not in shown.split("No update in")[0]  # long past due: counted
    assert f"No update in 182 days ({len(stale)})" in shown
    assert (
        f"• {len(stale)} open items with nothing since the plan document of 18 January 2024"
        in shown
    )
    assert "Fourth IRM for WTSA-28" in shown
    assert messages[0].text.startswith(
        "Weekly digest — week of 13 November 2026: 4 items changed, 1 completed"
    )


def test_the_30_most_recent_items_are_shown_in_full(plan: Database, renderer: Renderer) -> None:
    with plan.unit_of_work() as session:
        active = session.scalars(
            select(ActionItem.code).where(ActionItem.appendix == "").order_by(ActionItem.id)
        ).all()
        noted = active[: UPDATES_SHOWN + 7]
        for minutes, code in enumerate(noted):  # the later in the plan, the more recent
            add_update(session, code, NOW - timedelta(days=6) + timedelta(minutes=minutes))
        session.commit()
    digest = digest_of(plan)
    assert digest.changed_count == len(noted)
    shown = text_of(render_digest(renderer, digest))
    listed = re.findall(r"^• `([\w-]+)` note by", shown, re.MULTILINE)
    assert listed == noted[7:]
    assert f"… and 7 more: {CHANGED_HINT}" in shown
    assert f"Updates this week ({len(noted)} items)" in shown


# -- updates ------------------------------------------------------------------------


def test_updates_are_grouped_by_resolution_in_plan_order(
    plan: Database, renderer: Renderer
) -> None:
    with plan.unit_of_work() as session:
        add_update(session, "50-18", NOW - timedelta(days=1), author="Ana <admin>")
        add_update(session, "01-02", NOW - timedelta(days=2), kind="completed", text="Done & sent")
        add_update(session, "20-05", NOW - timedelta(days=3), kind="periodic", link=None)
        add_update(session, "01-03", NOW - timedelta(days=4), author="Bo Li")
        session.commit()
    digest = digest_of(plan)
    assert codes(digest.updates) == [
        ("Resolution 1", "01-02"),
        ("Resolution 1", "01-03"),
        ("Resolution 20", "20-05"),
        ("Resolution 50", "50-18"),
    ]
    assert digest.updates[0].title.startswith("Rules of procedure")
    [message] = render_digest(renderer, digest)
    mrkdwn = str(message.blocks)
    assert "• `01-02` *completed* by Ana Silva" in mrkdwn
    assert f"Done &amp; sent <{LINK}|message>" in mrkdwn
    assert "• `20-05` *periodic goals met* by Ana Silva" in mrkdwn
    assert "• `50-18` *note* by Ana &lt;admin&gt;" in mrkdwn
    shown = text_of([message])
    assert shown.index("Resolution 1 – Rules") < shown.index("`01-02`") < shown.index("`01-03`")
    assert shown.index("`01-03`") < shown.index("Resolution 50") < shown.index("`50-18`")
    assert "Updates this week (4 items)" in shown
    assert message.text.startswith("Weekly digest — week of 13 November 2026: 4 items changed")


def test_retracted_imported_and_edit_entries_are_left_out(plan: Database) -> None:
    with plan.unit_of_work() as session:
        add_update(session, "01-03", NOW - timedelta(hours=5))
        gone = add_update(session, "01-02", NOW - timedelta(hours=4), kind="completed")
        undo(session, gone, NOW - timedelta(hours=3))
        edited = add_update(session, "01-04", NOW - timedelta(hours=2))
        retract(
            session,
            edited,
            reason=UpdateKind.EDIT,
            actor="Ana",
            actor_id="U1",
            now=NOW - timedelta(hours=1),
        )
        add_update(session, "01-05", NOW - timedelta(hours=1), kind="document", source="import")
        session.commit()
    digest = digest_of(plan)
    assert [(c.code, c.changes, c.notes) for g in digest.updates for c in g.items] == [
        ("01-03", (), 1)
    ]
    assert digest.completed == []


def test_an_undo_of_an_earlier_update_is_news(plan: Database, renderer: Renderer) -> None:
    with plan.unit_of_work() as session:
        earlier = add_update(session, "01-02", NOW - timedelta(days=10), kind="completed")
        undo(session, earlier, NOW - timedelta(days=1), actor="Bo Li")
        session.commit()
    digest = digest_of(plan)
    assert [(c.code, c.changes, c.authors) for g in digest.updates for c in g.items] == [
        ("01-02", (FlagChange.TAKEN_BACK,), ("Bo Li",))
    ]
    assert "• `01-02` *taken back* by Bo Li" in str(render_digest(renderer, digest)[0].blocks)


def test_a_dry_run_in_the_past_reads_the_flags_as_they_were(plan: Database) -> None:
    """Completed in the period, reopened after it: the digest of then says completed."""
    with plan.unit_of_work() as session:
        add_update(session, "01-02", NOW - timedelta(days=1), kind="completed")
        add_update(session, "01-02", NOW + timedelta(days=1), kind="reopened")
        session.commit()
    assert changes(digest_of(plan))["01-02"].changes == (FlagChange.COMPLETED,)
    assert "01-02" not in changes(digest_of(plan, NOW + timedelta(days=2)))  # and reopened


def test_net_change_follows_recording_order_when_the_clock_went_back(plan: Database) -> None:
    """``say --at`` twice: the reopening is stored after the completion with an earlier
    time. Completed then reopened is no change; completed after a reopening is one."""
    with plan.unit_of_work() as session:
        add_update(session, "01-02", NOW - timedelta(hours=2), kind="completed")
        add_update(session, "01-02", NOW - timedelta(hours=5), kind="reopened")
        add_update(session, "01-03", NOW - timedelta(hours=1), kind="completed")
        add_update(session, "01-03", NOW - timedelta(hours=6), kind="reopened")
        add_update(session, "01-03", NOW - timedelta(hours=7), kind="completed")
        session.commit()
    found = changes(digest_of(plan))
    assert "01-02" not in found
    assert found["01-03"].changes == (FlagChange.COMPLETED,)


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
    assert [c.code for g in digest.updates for c in g.items] == ["01-02"]
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
        add_update(session, "01-02", NOW - timedelta(days=2), kind="note")
        add_update(session, "01-02", NOW - timedelta(days=1), kind="completed")
        add_update(session, "02-02", NOW - timedelta(days=3), kind="completed")
        add_update(session, "01-03", NOW - timedelta(days=4), kind="completed")
        add_update(session, "01-03", NOW - timedelta(days=1), kind="reopened")
        add_update(session, "01-04", NOW - timedelta(days=9), kind="completed")
        session.commit()
    digest = digest_of(plan)
    assert [entry.code for entry in digest.completed] == ["01-02", "02-02"]
    assert changes(digest)["01-02"].notes == 1
    assert "01-03" not in changes(digest)
    assert digest.progress.completed_in_period == 2


def test_due_soon_and_past_due_read_milestones_against_the_schedule(
    plan: Database, renderer: Renderer
) -> None:
    tsag = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # ten days ahead
    with plan.unit_of_work() as session:
        add_meeting(session, "tsag-2026", "TSAG meeting", "tsag", tsag, tsag + timedelta(days=4))
        item(session, "01-01").milestone = "TSAG2026"
        item(session, "01-02").milestone = "WTSA-28"
        item(session, "01-04").milestone = "TSAG2026"
        item(session, "01-04").completed = True
        session.commit()
    digest = digest_of(plan)
    # 50-18's milestone is "Ongoing / Each TSAG meeting": due at the next TSAG.
    assert [(e.code, e.day.isoformat(), e.meeting) for e in digest.due_soon] == [
        ("01-01", "2026-11-30", "TSAG meeting"),
        ("50-18", "2026-11-30", "TSAG meeting"),
    ]
    assert digest.past_due == []  # nothing fell due this week
    shown = text_of(render_digest(renderer, digest))
    assert "Due in the next two weeks (2)" in shown
    assert "— due 30 November 2026 (TSAG2026 → TSAG meeting)" in shown
    assert f"Past due ({digest.past_due_before} open items)" in shown
    assert (
        f"• {digest.past_due_before} open items past {digest.milestones_before} milestones "
        "that passed before this week: `/action overdue`"
    ) in shown
    past_due = shown.split("Past due")[1].split("No update in")[0]
    assert "01-03" not in past_due  # "WTSA-24", long past: counted, not listed


def test_a_meeting_outside_soon_days_is_not_due_soon(plan: Database) -> None:
    tsag = datetime(2026, 12, 10, 8, 0, tzinfo=UTC)  # 20 days ahead
    with plan.unit_of_work() as session:
        add_meeting(session, "tsag-2026", "TSAG meeting", "tsag", tsag, tsag + timedelta(days=4))
        session.commit()
    assert digest_of(plan).due_soon == []
    assert [entry.code for entry in digest_of(plan, soon_days=21).due_soon] == ["50-18"]


def test_stale_items_count_from_the_document_date_not_the_import(
    plan: Database, renderer: Renderer
) -> None:
    with plan.unit_of_work() as session:
        add_update(session, "01-01", NOW - timedelta(days=100))
        add_update(session, "01-02", NOW - timedelta(days=190))
        deleted = add_update(session, "01-03", NOW - timedelta(days=300))
        retract(
            session,
            deleted,
            reason=UpdateKind.DELETE,
            actor="Ana",
            actor_id="U1",
            now=NOW - timedelta(days=250),
        )
        # An import's own history entry is not a person's update: its document's date is.
        add_update(session, "01-05", NOW - timedelta(days=30), kind="document", source="import")
        session.commit()
        runs = session.scalars(select(ImportRun)).all()
        assert [(run.created_at, run.document_date) for run in runs] == [(IMPORTED, DOCUMENT_DAY)]
        expected = {
            row.code
            for row in session.scalars(select(ActionItem).where(ActionItem.appendix == ""))
            if not row.completed and row.code != "01-01"
        }
    digest = digest_of(plan)
    stale = {entry.code: entry for entry in digest.stale}
    assert set(stale) == expected
    # 01-03's only update was taken back, which is no news of the item.
    assert (stale["01-03"].last, stale["01-03"].by_document) == (DOCUMENT, True)
    assert (stale["01-02"].last, stale["01-02"].by_document) == (NOW - timedelta(days=190), False)
    assert stale["01-05"].last == DOCUMENT
    assert digest.stale_since == datetime(2026, 5, 22, 7, 0, tzinfo=UTC)  # 09:00 CEST
    assert [entry.code for entry in digest.stale][-1] == "01-02"  # longest silent first
    shown = text_of(render_digest(renderer, digest))
    assert f"No update in 182 days ({len(stale)})" in shown
    assert (
        f"• {len(stale) - 1} open items with nothing since the plan document of 18 January 2024"
    ) in shown
    assert "• `01-02` TSBDir to prepare proposal" in shown
    assert "— last update 14 May 2026" in shown


def test_a_newer_plan_document_is_news_of_every_item(plan: Database) -> None:
    with plan.unit_of_work() as session:
        session.add(
            ImportRun(
                file_name="plan-2026.docx",
                sha256="1" * 64,
                file_kind="docx",
                edition="WTSA-20",
                created_at=NOW - timedelta(days=3),
                document_date=date(2026, 10, 1),
            )
        )
        session.commit()
    assert digest_of(plan).stale == []
    # A week before that import, the bundled document was still the latest.
    week_before = digest_of(plan, NOW - timedelta(days=7)).stale
    assert {(entry.last, entry.by_document) for entry in week_before} == {(DOCUMENT, True)}
    # Asked for a day before the plan was first imported (``--at`` on a new install),
    # the digest reads the documents dated by then.
    before_install = digest_of(plan, IMPORTED - timedelta(days=1)).stale
    assert {(entry.last, entry.by_document) for entry in before_install} == {(DOCUMENT, True)}


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
        periodic = len([row for row in active if row.periodic_goals_met and not row.completed])
    progress = digest_of(plan).progress
    assert progress == Progress(total, completed, periodic, 1)
    assert (total, completed) == (397, 12)
    assert progress.percent == 3
    shown = text_of(render_digest(renderer, digest_of(plan)))
    assert f"12 of 397 active items completed (3%) `{'░' * 20}`" in shown
    assert f"{periodic} open with periodic goals met · 1 completed this week" in shown


def test_a_quiet_week_says_so_in_one_line(plan: Database, renderer: Renderer) -> None:
    digest = digest_of(plan)
    assert digest.quiet
    [message] = render_digest(renderer, digest)
    shown = blocks_to_text(message.blocks)
    assert "A quiet week: nothing changed in the action plan." in shown
    assert "Updates this week" not in shown
    assert "Completed this week" not in shown
    assert "Meetings in" not in shown


def test_an_empty_database_gives_one_short_message(db: Database, renderer: Renderer) -> None:
    [message] = render_digest(renderer, digest_of(db))
    assert len(message.blocks) == 3
    assert message.text == "Weekly digest — week of 13 November 2026: 0/0 items completed"


# -- splitting --------------------------------------------------------------------------


@pytest.fixture
def sqlite_db(sqlite_url: str, migrated_sqlite: Path) -> Iterator[Database]:
    """SQLite only, for a test about volume: the queries' engines are covered above."""
    shutil.copyfile(migrated_sqlite, sqlite_url.removeprefix("sqlite:///"))
    database = Database(sqlite_url)
    yield database
    database.dispose()


def test_a_huge_week_fits_in_a_few_messages(sqlite_db: Database, renderer: Renderer) -> None:
    """2,000 updates in the week (one in ten taken back, one in ten imported) on 2,000 items."""
    db = sqlite_db
    with db.unit_of_work() as session:
        fill_synthetic(session, NOW, items=2_000, meetings=200)
        session.commit()
        standing = session.scalars(
            select(StatusUpdate.item_id).where(
                StatusUpdate.retracted_at.is_(None), StatusUpdate.source != "import"
            )
        ).all()
    digest = digest_of(db)
    # Every item some standing update touched either changed or ended where it began.
    assert 0 < digest.changed_count <= len(set(standing))
    messages = render_digest(renderer, digest)
    check_limits(messages)
    shown = text_of(messages)
    update_lines = re.findall(r"^• `([\w-]+)` [\w ,]+ by Person", shown, re.MULTILINE)
    latest = sorted((c for g in digest.updates for c in g.items), key=lambda c: c.at, reverse=True)
    assert sorted(update_lines) == sorted(c.code for c in latest[:UPDATES_SHOWN])
    assert f"… and {digest.changed_count - UPDATES_SHOWN} more: {CHANGED_HINT}" in shown
    listed = [entry.code for entry in digest.completed[:15]]
    listed += [entry.code for entry in digest.due_soon[:15]]
    assert all(f"`{code}`" in shown for code in listed)
    assert f"• {len(digest.stale)} open items with nothing since the plan document" in shown
    assert shown.count("Progress") == 1
