"""Reminders and digests on a moved clock: Geneva times across DST, downtime, restarts, retries.

The scheduler's tick (what APScheduler runs every minute) is called directly while
the clock is moved, so days pass in a second and nothing sleeps.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from bot.meetings.service import read_meetings, store
from bot.plan.importing import ensure_plan
from bot.posting.outbox import Outgoing
from bot.posting.scheduler import SchedulerRunner
from bot.settings import Settings
from bot.store.db import Database
from tests.support.common import FixedClock, utc
from tests.support.snapshots import load_once

SCHEDULE = b"""\
timezone: Europe/Zurich
meetings:
  - name: RG-IEM e-meeting
    kind: rapporteur_group
    start: 2026-03-31 13:00
    end: 15:00
    mode: virtual
    link: https://www.itu.int/go/rg-iem
    deadline: 2026-03-27
    agenda:
      - Review of WTSA-24 outcomes (TD 521)
"""


class Slack:
    """Records each post with the clock's time; can fail the next calls."""

    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock
        self.posts: list[tuple[datetime, str, str]] = []
        self.failures = 0

    def __call__(self, outgoing: Outgoing) -> str:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("internal_error")
        self.posts.append((self.clock(), outgoing.channel, outgoing.text))
        return f"{len(self.posts)}.000"

    def kinds(self) -> list[tuple[datetime, str]]:
        return [(at, _kind(text)) for at, _, text in self.posts]


def _kind(text: str) -> str:
    if "Weekly digest" in text or "digest" in text.lower()[:80]:
        return "digest"
    if "Contribution deadline" in text:
        return "deadline tomorrow" if "tomorrow" in text else "deadline in 7 days"
    if "Tomorrow" in text:
        return "agenda"
    if "Starting" in text:
        return "start"
    return text[:40]


@pytest.fixture
def settings(memory_database_url: str) -> Settings:
    return Settings(
        database_url=memory_database_url, announce_channel="C0ANNOUNCE", digest_channel="C0DIGEST"
    )


@pytest.fixture
def loaded(settings: Settings) -> Iterator[Database]:
    db = Database(settings.database_url)
    clock = FixedClock(utc(2026, 3, 1))

    def load() -> None:
        ensure_plan(db, clock)
        store(db, read_meetings(SCHEDULE, "schedule.yaml", settings.tz), clock)

    load_once(
        db,
        (
            "plan and schedule",
            hashlib.sha256(SCHEDULE).hexdigest(),
            settings.tz.key,
            clock().isoformat(),
        ),
        load,
    )
    yield db
    db.dispose()


def runner(settings: Settings, clock: FixedClock, slack: Slack) -> SchedulerRunner:
    return SchedulerRunner(Database(settings.database_url), settings, slack, clock=clock)


def walk(
    run: SchedulerRunner, clock: FixedClock, start: datetime, end: datetime, step: timedelta
) -> None:
    clock.now = start
    while clock.now < end:
        run.tick()
        clock.now += step


# On SQLite alone: the times are the scheduler's arithmetic; the outbox's way through
# PostgreSQL (once, across a restart, retried) runs in the tests below.
@pytest.mark.sqlite_only
@pytest.mark.usefixtures("loaded")
def test_across_the_spring_change_each_post_goes_out_once_at_its_geneva_time(
    settings: Settings,
) -> None:
    clock = FixedClock()
    slack = Slack(clock)
    run = runner(settings, clock, slack)
    # Every hour (each post but the last falls on the hour), then every half hour.
    walk(run, clock, utc(2026, 3, 19), utc(2026, 3, 31), timedelta(hours=1))
    walk(run, clock, utc(2026, 3, 31), utc(2026, 4, 1), timedelta(minutes=30))
    assert slack.kinds() == [
        (utc(2026, 3, 20, 8), "deadline in 7 days"),  # Friday 09:00 CET
        (utc(2026, 3, 23, 8), "digest"),  # Monday 09:00 CET
        (utc(2026, 3, 26, 8), "deadline tomorrow"),  # Thursday 09:00 CET (deadline Fri 23:59)
        (utc(2026, 3, 30, 7), "agenda"),  # Monday 09:00 CEST, clocks changed on Sunday
        (utc(2026, 3, 30, 7), "digest"),
        (utc(2026, 3, 31, 10, 30), "start"),  # 12:30 CEST, 30 minutes before 13:00
    ]
    assert {channel for _, channel, kind in slack.posts if "digest" not in kind.lower()[:80]} == {
        "C0ANNOUNCE"
    }
    digests = [channel for _, channel, text in slack.posts if _kind(text) == "digest"]
    assert digests == ["C0DIGEST", "C0DIGEST"]


@pytest.mark.usefixtures("loaded")
def test_after_downtime_only_what_is_still_useful_is_sent_once(settings: Settings) -> None:
    clock = FixedClock()
    slack = Slack(clock)
    run = runner(settings, clock, slack)
    for moment in (
        utc(2026, 3, 19),  # up, then down until Thursday 26 March after the 1-day reminder
        utc(2026, 3, 26, 10),
        utc(2026, 3, 26, 10, 1),
        utc(2026, 3, 31, 10, 45),  # down again until 15 minutes before the start
        utc(2026, 3, 31, 10, 46),
        utc(2026, 3, 31, 12),  # after the start
    ):
        clock.now = moment
        run.tick()
    assert slack.kinds() == [
        (utc(2026, 3, 26, 10), "deadline tomorrow"),  # the 7-day one and Monday's digest are stale
        (utc(2026, 3, 31, 10, 45), "start"),  # the agenda of the day before is in it
        (utc(2026, 3, 31, 10, 45), "digest"),  # Monday's digest, still within two days
    ]


@pytest.mark.usefixtures("loaded")
def test_a_restart_posts_nothing_twice(settings: Settings) -> None:
    clock = FixedClock()
    slack = Slack(clock)
    walk(
        runner(settings, clock, slack),
        clock,
        utc(2026, 3, 29),  # starts with a catch-up; the restart is on the 30th
        utc(2026, 3, 30, 7, 1),
        timedelta(minutes=30),
    )
    before = list(slack.posts)
    assert [kind for _, kind in slack.kinds()][-2:] == ["agenda", "digest"]
    restarted = runner(settings, clock, slack)
    walk(restarted, clock, utc(2026, 3, 30, 7), utc(2026, 4, 1), timedelta(minutes=30))
    assert slack.posts[: len(before)] == before
    assert [kind for _, kind in slack.kinds()[len(before) :]] == ["start"]


@pytest.mark.usefixtures("loaded")
def test_a_failed_post_is_retried_until_it_goes_out(settings: Settings) -> None:
    clock = FixedClock()
    slack = Slack(clock)
    run = runner(settings, clock, slack)
    clock.now = utc(2026, 3, 31, 10, 29)
    run.tick()  # catches up the agenda and Monday's digest
    earlier = len(slack.posts)
    slack.failures = 3
    walk(run, clock, utc(2026, 3, 31, 10, 30), utc(2026, 3, 31, 11), timedelta(minutes=1))
    # Failed at 10:30, retried after 1, 2 and 4 minutes; the fourth attempt goes out.
    assert slack.kinds()[earlier:] == [(utc(2026, 3, 31, 10, 37), "start")]


@pytest.mark.usefixtures("loaded")
def test_no_channel_configured_means_nothing_is_posted(memory_database_url: str) -> None:
    clock = FixedClock()
    slack = Slack(clock)
    bare = Settings(database_url=memory_database_url)
    walk(runner(bare, clock, slack), clock, utc(2026, 3, 30), utc(2026, 4, 1), timedelta(hours=1))
    assert slack.posts == []
