"""The scheduler inside the real ``tsagbot serve``: a due reminder is posted once, across a
restart and with two replicas on one PostgreSQL database; the calendar feed is served.

The server runs on the real clock, so the schedule is written relative to now: a
meeting starting in 20 minutes has its 30-minutes-before reminder due at once.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from bot.meetings.service import read_meetings, store
from bot.plan.importing import ensure_plan
from bot.settings import Settings
from bot.slack.local_api import LocalWebApi
from bot.store.db import Database
from tests.support.common import POSTGRES_URL, fresh_postgres_database
from tests.support.serving import Server, serving

TICK_DONE = 'Job "reminders, retries and catch-up'
"""How APScheduler's log line for a finished tick starts (the tick runs every minute, its
first run one second after the scheduler starts); ``executed successfully`` ends it."""


def wait_for_a_tick(server: Server, timeout: float = 20.0) -> None:
    """Until ``server`` has finished a tick: a second post, if any, would be out by then."""
    deadline = time.monotonic() + timeout
    while not any(
        TICK_DONE in line and "executed successfully" in line
        for line in server.output().splitlines()
    ):
        assert time.monotonic() < deadline, server.output()
        time.sleep(0.1)


def schedule_yaml(now: datetime) -> bytes:
    start = (now + timedelta(minutes=20)).replace(second=0, microsecond=0)
    return f"""\
meetings:
  - name: Interim RG-IEM e-meeting
    kind: rapporteur_group
    start: {start.isoformat(" ", "minutes").replace("+00:00", "")}
    end: {(start + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")}
    timezone: UTC
    mode: virtual
    link: https://www.itu.int/go/rg-iem
    agenda:
      - Review of WTSA-24 outcomes (TD 521)
""".encode()


def prepare(database_url: str) -> None:
    db = Database(database_url)
    try:
        db.upgrade()
        now = datetime.now(UTC)
        ensure_plan(db, lambda: now)
        reading = read_meetings(schedule_yaml(now), "schedule.yaml", Settings("x").tz)
        store(db, reading, lambda: now)
    finally:
        db.dispose()


ENV = {"TSAGBOT_ANNOUNCE_CHANNEL": "C0ANNOUNCE", "TSAGBOT_PUBLIC_URL": "https://bot.example.org"}


@pytest.fixture
def slack() -> Iterator[LocalWebApi]:
    with LocalWebApi() as fake:
        yield fake


def reminders(slack: LocalWebApi) -> list[dict]:
    return [
        call.params
        for call in slack.calls_to("chat.postMessage")
        if "Interim RG-IEM e-meeting" in call.params.get("text", "")
    ]


# On SQLite alone: the two-replica test below runs serve on PostgreSQL, restart included.
@pytest.mark.sqlite_only
def test_serve_posts_a_due_reminder_once_even_across_a_restart(
    tmp_path: Path, slack: LocalWebApi, database_url: str
) -> None:
    prepare(database_url)
    with serving(tmp_path, slack, database_url=database_url, env=ENV) as server:
        slack.wait_for("chat.postMessage", timeout=20)
        (posted,) = reminders(slack)
        assert posted["channel"] == "C0ANNOUNCE"
        assert (
            "Starting in 20 minutes" in posted["text"]
            or "Starting in 19 minutes" in (posted["text"])
        )
        agenda = " ".join(str(block) for block in posted["blocks"])
        assert "Review of WTSA-24 outcomes" in agenda
        assert "https://www.itu.int/go/rg-iem" in agenda

        with urllib.request.urlopen(f"{server.base}/calendar.ics", timeout=5) as answer:
            assert answer.headers["Content-Type"] == "text/calendar; charset=utf-8"
            calendar = Calendar.from_ical(answer.read())
        names = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
        assert "Interim RG-IEM e-meeting" in names

    with serving(
        tmp_path, slack, database_url=database_url, env=ENV, name="restarted"
    ) as restarted:
        wait_for_a_tick(restarted)
    assert len(reminders(slack)) == 1


@pytest.mark.skipif(not POSTGRES_URL, reason="TSAGBOT_TEST_POSTGRES_URL is not set")
def test_two_replicas_on_one_postgresql_database_post_each_reminder_once(
    tmp_path: Path, slack: LocalWebApi
) -> None:
    for database_url in fresh_postgres_database():
        prepare(database_url)
        with (
            serving(tmp_path, slack, database_url=database_url, env=ENV, name="one") as one,
            serving(tmp_path, slack, database_url=database_url, env=ENV, name="two") as two,
        ):
            slack.wait_for("chat.postMessage", timeout=20)
            for server in (one, two):
                if "holding the scheduler lock" in server.output():
                    wait_for_a_tick(server)
            assert len(reminders(slack)) == 1
            leaders = [
                server for server in (one, two) if "holding the scheduler lock" in server.output()
            ]
            assert len(leaders) == 1
        # The replica that held the lock is gone; a new one takes over and posts nothing again.
        with serving(tmp_path, slack, database_url=database_url, env=ENV, name="three") as three:
            deadline = time.monotonic() + 20
            while "holding the scheduler lock" not in three.output():
                assert time.monotonic() < deadline, three.output()
                time.sleep(0.2)
            wait_for_a_tick(three)
        assert len(reminders(slack)) == 1
