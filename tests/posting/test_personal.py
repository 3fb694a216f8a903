"""Personal reminders by direct message, at 09:00 in each reader's own day.

The scheduler's tick is walked on a moved clock (as in test_dispatch) through March
2026, when Los Angeles (8 March) and Geneva (29 March) change their clocks and Tokyo
and Nairobi do not: the day-based reminders come at 09:00 wherever the reader is, the
meeting-day one 30 minutes before the start, each once, with two replicas ticking.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.meetings.service import read_meetings, store
from bot.posting import personal
from bot.posting.outbox import enqueue
from bot.posting.scheduler import SchedulerRunner
from bot.render import Renderer
from bot.settings import Settings
from bot.store.db import Database
from bot.store.models import Follow, OutboxPost
from bot.store.vocabulary import FollowTopic
from tests.support.common import FixedClock, TimedSlack, utc
from tests.support.snapshots import load_once

pytestmark = pytest.mark.sqlite_only  # the outbox's keys on PostgreSQL: tests/posting/test_outbox

SCHEDULE = b"""\
timezone: Europe/Zurich
meetings:
  - name: IRM-1
    kind: irm
    start: 2026-03-10 13:00
    end: 15:00
    deadline: 2026-03-09
    channel: C0IRM0001
  - name: RG-IEM
    kind: rapporteur_group
    start: 2026-03-31 13:00
    end: 15:00
    deadline: 2026-03-27
    channel: C0RG00001
"""
READERS = {
    "U0TOKYO": "Asia/Tokyo",
    "U0NAIROBI": "Africa/Nairobi",
    "U0LA": "America/Los_Angeles",
}
OPTED_IN = datetime(2026, 2, 28, tzinfo=UTC)


@pytest.fixture
def settings(memory_database_url: str) -> Settings:
    return Settings(database_url=memory_database_url, digest_cron="0 9 1 1 *")


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings.database_url)
    clock = FixedClock(utc(2026, 2, 1))

    def load() -> None:
        store(database, read_meetings(SCHEDULE, "schedule.yaml", settings.tz), clock)

    load_once(database, ("personal", hashlib.sha256(SCHEDULE).hexdigest()), load)
    with database.unit_of_work() as session:
        for user, zone in READERS.items():
            personal.subscribe(session, user, ZoneInfo(zone), OPTED_IN)
        session.commit()
    yield database
    database.dispose()


class Slack(TimedSlack):
    def to(self, user: str) -> list[tuple[datetime, str]]:
        return [(at, kind_of(post.text)) for at, post in self.posts if post.channel == user]


def kind_of(text: str) -> str:
    name = "IRM-1" if "IRM-1" in text else "RG-IEM"
    if "Contribution deadline" in text:
        return f"{name} deadline " + ("tomorrow" if "tomorrow" in text else "in 7 days")
    return f"{name} " + ("agenda" if "Tomorrow" in text else "start")


def moments(start: datetime, end: datetime) -> list[datetime]:
    """The ticks of a walk: each hour at which some reader's clock shows 08:00 or 09:00,
    and each half hour from 12:00 to 13:00 Geneva time on the meetings' days (their
    start reminders), from ``start`` to ``end``. A reminder that should come at 09:00
    would go out at 08:00, or at a later tick, had the arithmetic slipped an hour."""
    found: set[datetime] = set()
    day = start.date() - timedelta(days=1)
    while day <= end.date():
        for zone in READERS.values():
            for hour in (8, 9):
                local = datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(zone))
                found.add(local.astimezone(UTC))
        if day.day in (10, 31):
            noon = datetime(day.year, day.month, day.day, 12, tzinfo=ZoneInfo("Europe/Zurich"))
            found.update(noon + timedelta(minutes=30 * n) for n in range(3))
        day += timedelta(days=1)
    return sorted(moment for moment in found if start <= moment < end)


def walk(runs: list[SchedulerRunner], clock: FixedClock, start: datetime, end: datetime) -> None:
    for moment in moments(start, end):
        clock.now = moment
        for run in runs:
            run.tick()


def runner(settings: Settings, clock: FixedClock, slack: Slack) -> SchedulerRunner:
    return SchedulerRunner(Database(settings.database_url), settings, slack, clock=clock)


@pytest.mark.usefixtures("db")
def test_across_the_clock_changes_each_reader_gets_each_reminder_once_at_nine_their_time(
    settings: Settings,
) -> None:
    clock = FixedClock()
    slack = Slack(clock)
    run, replica = runner(settings, clock, slack), runner(settings, clock, slack)
    walk([run], clock, utc(2026, 3, 1), utc(2026, 3, 11))  # Los Angeles changes on the 8th
    walk([run, replica], clock, utc(2026, 3, 19), utc(2026, 4, 1))  # Geneva on the 29th
    for user, zone in READERS.items():
        got = slack.to(user)
        assert sorted(kind for _, kind in got) == sorted(
            [
                "IRM-1 deadline in 7 days",
                "IRM-1 deadline tomorrow",
                "IRM-1 agenda",
                "IRM-1 start",
                "RG-IEM deadline in 7 days",
                "RG-IEM deadline tomorrow",
                "RG-IEM agenda",
                "RG-IEM start",
            ]
        ), (user, got)
        for at, kind in got:
            local = at.astimezone(ZoneInfo(zone))
            if kind.endswith("start"):  # 30 minutes before 13:00 Geneva time
                assert local.astimezone(settings.tz).strftime("%H:%M") == "12:30"
            else:
                assert local.strftime("%H:%M") == "09:00", (user, kind, local)
    la = [at for at, kind in slack.to("U0LA") if kind.startswith("IRM-1 deadline")]
    assert la == [utc(2026, 3, 2, 17), utc(2026, 3, 8, 16)]  # 09:00 PST, then 09:00 PDT
    tokyo = [at for at, kind in slack.to("U0TOKYO") if kind.startswith("RG-IEM deadline")]
    assert tokyo == [utc(2026, 3, 21, 0), utc(2026, 3, 27, 0)]  # Saturday 28th 07:59 there
    nairobi = [at for at, kind in slack.to("U0NAIROBI") if kind == "RG-IEM agenda"]
    assert nairobi == [utc(2026, 3, 30, 6)]
    assert {post.channel for _, post in slack.posts} - set(READERS) == {"C0IRM0001", "C0RG00001"}
    assert all(
        post.blocks[-2]["type"] == "actions" for _, post in slack.posts if post.channel in READERS
    )


def test_a_reader_who_follows_kinds_gets_only_those(db: Database, settings: Settings) -> None:
    with db.unit_of_work() as session:
        session.add(
            Follow(
                follower="U0TOKYO",
                personal=True,
                topic=FollowTopic.MEETING_KIND,
                target="rapporteur_group",
                created_at=OPTED_IN,
            )
        )
        personal.unsubscribe(session, "U0LA")
        session.commit()
    clock = FixedClock()
    slack = Slack(clock)
    walk([runner(settings, clock, slack)], clock, utc(2026, 3, 1), utc(2026, 3, 11))
    assert [kind for _, kind in slack.to("U0TOKYO")] == []  # IRM-1 is not theirs
    assert len(slack.to("U0NAIROBI")) == 4  # following nothing: every meeting
    assert slack.to("U0LA") == []  # opted out


def test_opting_in_brings_no_reminder_of_the_weeks_before(db: Database, settings: Settings) -> None:
    with db.unit_of_work() as session:
        personal.unsubscribe(session, "U0TOKYO")
        personal.subscribe(session, "U0TOKYO", ZoneInfo("Asia/Tokyo"), utc(2026, 3, 9, 12))
        session.commit()
    clock = FixedClock()
    slack = Slack(clock)
    walk([runner(settings, clock, slack)], clock, utc(2026, 3, 9, 12), utc(2026, 3, 11))
    assert [kind for _, kind in slack.to("U0TOKYO")] == ["IRM-1 start"]


def test_a_zone_change_sends_no_reminder_again(db: Database, settings: Settings) -> None:
    """Tokyo's reader now in Geneva (a trip, a new setting) does not get the deadline
    reminder again at 09:00 Geneva; one queued under the earlier key (with the local
    09:00) before an upgrade is not queued again under the new one."""
    clock = FixedClock(utc(2026, 3, 3, 0))  # 09:00 in Tokyo: IRM-1's deadline in 7 days
    slack = Slack(clock)
    run = runner(settings, clock, slack)
    run.tick()
    assert slack.to("U0TOKYO") == [(clock(), "IRM-1 deadline in 7 days")]
    with db.unit_of_work() as session:
        personal.refresh_zone(session, "U0TOKYO", ZoneInfo("Europe/Zurich"), clock())
        session.commit()
    clock.now = utc(2026, 3, 3, 6)  # 09:00 in Nairobi
    with db.unit_of_work() as session:
        [nairobi] = [
            p for p in personal.due_personal(session, settings, clock()) if p.user == "U0NAIROBI"
        ]
        post = personal.personal_post(
            Renderer(), nairobi, now=clock(), due_items=lambda _: [], key=nairobi.earlier_key
        )
        enqueue(session, [post], clock())
        session.commit()
    for clock.now in (utc(2026, 3, 3, 6), utc(2026, 3, 3, 8)):  # 09:00 in Geneva
        run.tick()
    assert len(slack.to("U0TOKYO")) == 1
    assert slack.to("U0NAIROBI") == [(utc(2026, 3, 3, 6), "IRM-1 deadline in 7 days")]


def press(
    db: Database, settings: Settings, action: str, user: str, value: str, now: datetime
) -> str:
    with db.unit_of_work() as session:
        if action == personal.SNOOZE_BUTTON:
            said = personal.snooze(session, Renderer(), settings, user, value, now, lambda _: [])
        else:
            said = personal.got_it(session, user, value, now)
        session.commit()
    return said


def test_snooze_sends_it_again_a_day_later_and_got_it_stops_that_kind(
    db: Database, settings: Settings
) -> None:
    clock = FixedClock()
    slack = Slack(clock)
    run = runner(settings, clock, slack)
    walk([run], clock, utc(2026, 3, 21, 6), utc(2026, 3, 21, 7))  # 09:00 in Nairobi
    [(at, post)] = [(at, p) for at, p in slack.posts if p.channel == "U0NAIROBI"]
    snooze, got_it = post.blocks[-2]["elements"]
    assert (snooze["text"]["text"], got_it["text"]["text"]) == ("Snooze 1 day", "Got it")
    said = press(db, settings, snooze["action_id"], "U0NAIROBI", snooze["value"], at)
    assert said == "Snoozed: I will remind you again Sun 22 March 2026 at 09:00."
    later = at + timedelta(minutes=3)  # pressed again a few minutes on: still one copy
    press(db, settings, snooze["action_id"], "U0NAIROBI", snooze["value"], later)
    walk([run], clock, utc(2026, 3, 21, 7), utc(2026, 3, 23))
    again = [(at, kind) for at, kind in slack.to("U0NAIROBI")[1:]]
    assert again == [(utc(2026, 3, 22, 6), "RG-IEM deadline in 7 days")]  # worded that day
    assert "in 6 days" in slack.posts[-1][1].text
    # "Got it" on a snoozed copy: the 1-day reminder never comes, nor another snoozed copy
    press(db, settings, snooze["action_id"], "U0NAIROBI", snooze["value"], utc(2026, 3, 22, 6))
    said = press(db, settings, got_it["action_id"], "U0NAIROBI", got_it["value"], clock())
    assert said == "Got it: no more contribution deadline reminders of this meeting for you."
    walk([run], clock, utc(2026, 3, 23), utc(2026, 3, 28))
    assert len(slack.to("U0NAIROBI")) == 2
    assert [kind for _, kind in slack.to("U0TOKYO")][-1] == "RG-IEM deadline tomorrow"
    with db.unit_of_work() as session:
        withdrawn = session.scalars(
            select(OutboxPost.status).where(OutboxPost.key.like("personal-snooze:%"))
        )
        assert sorted(withdrawn) == ["expired", "sent"]


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("not json", "That button no longer works."),
        ('{"m": "gone", "k": "agenda", "d": 1}', "That meeting is no longer in the schedule."),
    ],
)
def test_a_button_naming_no_reminder_is_one_line(
    db: Database, settings: Settings, value: str, said: str
) -> None:
    with pytest.raises(personal.ButtonError, match=said):
        press(db, settings, personal.SNOOZE_BUTTON, "U0LA", value, utc(2026, 3, 20))


@pytest.mark.usefixtures("db")
def test_a_failing_personal_step_stops_neither_the_channel_reminders_nor_later_ticks(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> list[str]:
        raise RuntimeError("the personal step broke")

    clock = FixedClock()
    slack = Slack(clock)
    run = runner(settings, clock, slack)
    with monkeypatch.context() as patched:
        patched.setattr("bot.posting.dispatch.enqueue_personal", broken)
        walk([run], clock, utc(2026, 3, 10, 11), utc(2026, 3, 10, 11, 31))
    sent = len(slack.posts)
    assert {post.channel for _, post in slack.posts} == {"C0IRM0001"}  # the agenda, the start
    clock.now = utc(2026, 3, 10, 11, 45)
    run.tick()  # the next tick, mended, still sends what is useful
    assert sorted(post.channel for _, post in slack.posts[sent:]) == sorted(READERS)
