"""A meeting to come moved, called off, or given a new place or link: one notice, and the
reminders follow.

An import of the schedule file is the secretariat's word: it changes what it matches.
Each change is told once to the meeting's channel and to the followers of its kind,
and the scheduler's tick, walked on a moved clock, sends the reminders at the new
time and never at the old one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.meetings.merge import merge_meetings
from bot.meetings.service import read_meetings, store
from bot.plan.importing import ImportFailed
from bot.posting import meeting_changes, personal
from bot.posting.outbox import Outgoing, Post, enqueue
from bot.posting.reminders import ReminderKind, ReminderPolicy, reminders_for
from bot.posting.scheduler import SchedulerRunner
from bot.render import Renderer, mrkdwn_to_text
from bot.settings import Settings
from bot.store.db import Database
from bot.store.models import Follow, Meeting, OutboxPost
from bot.store.vocabulary import FollowTopic
from tests.support.common import FixedClock, utc

pytestmark = pytest.mark.sqlite_only  # the outbox's keys on PostgreSQL: tests/posting/test_outbox

BEFORE = dict(
    start="2026-03-31 13:00",
    end="15:00",
    place="Geneva",
    link="https://www.itu.int/go/rg-iem",
)


def schedule(uid: str = "rg-iem-3", **changed: str) -> bytes:
    fields = {**BEFORE, **changed}
    lines = [
        "timezone: Europe/Zurich",
        "meetings:",
        "  - name: RG-IEM meeting",
        "    kind: rapporteur_group",
        *(f"    {key}: {value}" for key, value in fields.items() if value),
    ]
    if uid:
        lines.append(f"    uid: {uid}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def settings(memory_database_url: str) -> Settings:
    return Settings(database_url=memory_database_url, announce_channel="C0ANNOUNCE")


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings.database_url)
    with database.unit_of_work() as session:
        session.add_all(
            [
                Follow(
                    follower="U0ANA",
                    personal=True,
                    topic=FollowTopic.MEETING_KIND,
                    target="rapporteur_group",
                    created_at=utc(2026, 1, 1),
                ),
                Follow(
                    follower="C0REGION",
                    topic=FollowTopic.MEETING_KIND,
                    target="rapporteur_group",
                    created_at=utc(2026, 1, 1),
                ),
                Follow(
                    follower="U0BO",
                    personal=True,
                    topic=FollowTopic.MEETING_KIND,
                    target="irm",
                    created_at=utc(2026, 1, 1),
                ),
            ]
        )
        session.commit()
    yield database
    database.dispose()


def load(db: Database, settings: Settings, data: bytes, now: datetime) -> list[str]:
    """Import ``data`` at ``now``, announcing as ``tsagbot meetings import`` does; the
    summary's lines of what changed."""
    announce = partial(meeting_changes.announce, renderer=Renderer(), settings=settings)
    reading = read_meetings(data, "schedule.yaml", settings.tz)
    summary = store(db, reading, FixedClock(now), announce=announce)
    return [
        mrkdwn_to_text(meeting_changes.notice(Renderer(), change, settings.tz).text)
        for change in summary.changed
    ]


def notices(db: Database) -> list[tuple[str, str]]:
    with db.unit_of_work() as session:
        rows = session.scalars(
            select(OutboxPost).where(OutboxPost.kind == "meeting-change").order_by(OutboxPost.id)
        )
        return [(row.channel, mrkdwn_to_text(row.text)) for row in rows]


EARLY = utc(2026, 3, 1)


@pytest.mark.parametrize(
    ("changed", "said"),
    [
        (
            dict(start="2026-04-02 14:00", end="16:00"),
            "RG-IEM meeting moved to Thu 2 April 2026, 14:00–16:00 Geneva time",
        ),
        (dict(start="2026-03-31 14:00", end="16:00"), "RG-IEM meeting moved to Tue 31 March"),
        (dict(place="Kigali"), "RG-IEM meeting: new details"),
        (dict(link="https://www.itu.int/go/other"), "RG-IEM meeting: new details"),
        (dict(status="cancelled"), "RG-IEM meeting on Tue 31 March 2026, 13:00–15:00"),
    ],
)
def test_a_change_is_told_once_to_the_channel_and_the_kinds_followers(
    db: Database, settings: Settings, changed: dict[str, str], said: str
) -> None:
    assert load(db, settings, schedule(), EARLY) == []  # new, not changed
    [line] = load(db, settings, schedule(**changed), EARLY + timedelta(days=1))
    assert line.startswith(said)
    told = notices(db)
    assert [channel for channel, _ in told] == ["C0ANNOUNCE", "U0ANA", "C0REGION"]
    assert {text for _, text in told} == {line}
    # the same file again changes nothing more, and tells nothing more
    assert load(db, settings, schedule(**changed), EARLY + timedelta(days=2)) == []
    assert notices(db) == told


def test_the_notice_says_from_when_to_when_and_what_is_new(
    db: Database, settings: Settings
) -> None:
    load(db, settings, schedule(), EARLY)
    moved = dict(start="2026-04-02 14:00", end="16:00", place="Kigali")
    load(db, settings, schedule(**moved), EARLY)
    with db.unit_of_work() as session:
        row = session.scalars(select(OutboxPost).where(OutboxPost.channel == "U0ANA")).one()
        shown = "\n".join(mrkdwn_to_text(b["text"]["text"]) for b in row.blocks if "text" in b)
    assert (
        "moved from Tue 31 March 2026, 13:00–15:00 Geneva time to "
        "Thu 2 April 2026, 14:00–16:00 Geneva time." in shown
    )
    assert "Place: Kigali (was: Geneva)" in shown


def test_a_follower_reads_the_times_in_the_zone_kept_for_their_reminders(
    db: Database, settings: Settings
) -> None:
    with db.unit_of_work() as session:
        personal.subscribe(session, "U0ANA", ZoneInfo("Asia/Tokyo"), EARLY)
        session.commit()
    load(db, settings, schedule(), EARLY)
    load(db, settings, schedule(start="2026-04-02 14:00", end="16:00"), EARLY)
    told = dict(notices(db))
    assert told["U0ANA"] == "RG-IEM meeting moved to Thu 2 April 2026, 21:00–23:00 Tokyo time"
    assert told["C0REGION"] == "RG-IEM meeting moved to Thu 2 April 2026, 14:00–16:00 Geneva time"


def test_a_meeting_in_the_past_or_left_alone_is_not_announced(
    db: Database, settings: Settings
) -> None:
    load(db, settings, schedule(), EARLY)
    assert load(db, settings, schedule(), EARLY) == []
    after_it = utc(2026, 4, 1)
    assert load(db, settings, schedule(place="Kigali"), after_it) == []
    assert notices(db) == []
    with db.unit_of_work() as session:
        assert session.scalars(select(Meeting.place)).one() == "Kigali"  # changed all the same


def test_without_a_uid_a_file_changes_the_meeting_of_the_same_day(
    db: Database, settings: Settings
) -> None:
    load(db, settings, schedule(uid=""), EARLY)
    [line] = load(db, settings, schedule(uid="", start="2026-03-31 14:00"), EARLY)
    assert "moved" in line
    [line] = load(
        db, settings, schedule(uid="", start="2026-03-31 14:00", status="cancelled"), EARLY
    )
    assert "is cancelled" in line
    with db.unit_of_work() as session:
        assert session.scalars(select(Meeting)).all() == []


def test_moved_there_back_and_there_again_is_told_each_time(
    db: Database, settings: Settings
) -> None:
    load(db, settings, schedule(), EARLY)
    there, back = dict(start="2026-04-02 14:00", end="16:00"), dict(BEFORE)
    for day, moved in enumerate([there, back, there], start=1):
        load(db, settings, schedule(**moved), EARLY + timedelta(days=day))
    told = [text for channel, text in notices(db) if channel == "C0ANNOUNCE"]
    assert told == [
        "RG-IEM meeting moved to Thu 2 April 2026, 14:00–16:00 Geneva time",
        "RG-IEM meeting moved to Tue 31 March 2026, 13:00–15:00 Geneva time",
        "RG-IEM meeting moved to Thu 2 April 2026, 14:00–16:00 Geneva time",
    ]


def test_two_replicas_announcing_one_change_queue_it_once(db: Database, settings: Settings) -> None:
    load(db, settings, schedule(), EARLY)
    reading = read_meetings(schedule(place="Kigali"), "schedule.yaml", settings.tz)
    with db.unit_of_work() as session:  # what the import handed over, announced twice
        summary = merge_meetings(
            session, [f.draft for f in reading.findings], now=EARLY, file_name="x"
        )
        for _ in range(2):
            meeting_changes.announce(
                session, summary.changed, EARLY, renderer=Renderer(), settings=settings
            )
        session.commit()
    assert len(notices(db)) == 3


def test_a_schedule_file_refuses_a_bad_uid_or_status() -> None:
    for wrong, said in [
        (schedule(uid="a b/c"), "uid 'a b/c' must be"),
        (schedule(status="postponed"), "status 'postponed' must be scheduled or cancelled"),
    ]:
        with pytest.raises(ImportFailed, match=said):
            read_meetings(wrong, "schedule.yaml", Settings(database_url="").tz)


class Slack:
    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock
        self.posts: list[tuple[datetime, str, str]] = []

    def __call__(self, outgoing: Outgoing) -> str:
        self.posts.append((self.clock(), outgoing.channel, mrkdwn_to_text(outgoing.text)))
        return f"{len(self.posts)}.000"


def test_the_reminders_follow_the_new_time_and_never_go_out_at_the_old_one(
    db: Database, settings: Settings
) -> None:
    load(db, settings, schedule(), EARLY)
    clock = FixedClock(utc(2026, 3, 29, 12))
    slack = Slack(clock)
    run = SchedulerRunner(Database(settings.database_url), settings, slack, clock=clock)
    run.tick()  # nothing due yet
    load(db, settings, schedule(start="2026-04-02 13:00"), clock())  # moved by two days
    while clock.now < utc(2026, 4, 3):
        run.tick()
        clock.now += timedelta(minutes=30)
    to_channel = [(at, text[:32]) for at, channel, text in slack.posts if channel == "C0ANNOUNCE"]
    assert to_channel == [
        (utc(2026, 3, 29, 12), "RG-IEM meeting moved to Thu 2 Ap"),  # at the next tick
        (utc(2026, 4, 1, 7), ":spiral_calendar_pad: Tomorrow: "),  # 09:00 CEST the day before
        (utc(2026, 4, 2, 10, 30), ":bell: Starting in 30 minutes: R"),  # 12:30 CEST
    ]
    assert {channel for _, channel, _ in slack.posts} == {"C0ANNOUNCE", "U0ANA", "C0REGION"}


def test_a_reminder_queued_for_the_old_time_and_not_yet_sent_is_withdrawn(
    db: Database, settings: Settings
) -> None:
    """The channel's, a person's and a person's snoozed copy; another meeting's stays."""
    load(db, settings, schedule(), EARLY)
    moment = utc(2026, 3, 31, 10, 30)
    with db.unit_of_work() as session:  # queued at 12:30, Slack failing since
        meeting = session.scalars(select(Meeting).where(Meeting.uid == "rg-iem-3")).one()
        policy = ReminderPolicy.from_settings(settings)
        [start] = [r for r in reminders_for(meeting, policy) if r.kind == ReminderKind.START]
        mine = personal.Personal("U0ANA", settings.tz, replace(start, channel="U0ANA")).key
        value = '{"m": "rg-iem-3", "k": "agenda", "d": 1}'
        said = personal.snooze(
            session, Renderer(), settings, "U0ANA", value, utc(2026, 3, 30, 8), lambda _: []
        )
        assert said.startswith("Snoozed:")
        keys = [
            f"reminder:start:rg-iem-3:{moment:%Y%m%dT%H%MZ}",
            mine,
            "reminder:start:other:20260331T1030Z",
            mine.replace("rg-iem-3", "other"),
        ]
        enqueue(
            session, [Post(key, "reminder-start", "C0", "x", [], moment) for key in keys], moment
        )
        session.commit()
    with db.unit_of_work() as session:
        assert meeting_changes.withdraw_reminders(session, "rg-iem-3") == 3
        session.rollback()
    load(db, settings, schedule(start="2026-03-31 14:00", end="16:00"), utc(2026, 3, 31, 10, 40))
    with db.unit_of_work() as session:
        rows = session.execute(
            select(OutboxPost.key, OutboxPost.status).where(OutboxPost.kind != "meeting-change")
        )
        statuses = {key: status for key, status in rows}
    assert statuses == {
        "reminder:start:rg-iem-3:20260331T1030Z": "expired",
        "personal:U0ANA:reminder:start:rg-iem-3:0:20260331T1100Z": "expired",
        "personal-snooze:U0ANA:rg-iem-3:agenda:1:20260331": "expired",
        "reminder:start:other:20260331T1030Z": "pending",
        "personal:U0ANA:reminder:start:other:0:20260331T1100Z": "pending",
    }
