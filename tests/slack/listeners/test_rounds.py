"""The reporting round, through the real Bolt app and the scheduler's tick on a moved clock.

A TSAG meeting on Monday 27 April 2026 (09:30 Geneva time) with no contribution deadline
in the schedule: the round started from the admin's Home tab five weeks before (Monday
23 March, 09:00 CET) closes 12 days before the meeting, and its reminders fall after
Geneva moves its clocks (29 March): 09:00 CEST is 07:00 UTC. SG17 answers with the
*Report* button (the update form) and *Nothing new*, SG13 with a channel message, TSB
(asked by DM) late and partly; two replicas tick, on each backend (the outbox's keys
keep each reminder to one post).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.plan.importing import ensure_plan, import_bytes
from bot.plan.updates.form import Field
from bot.posting.home import CLOSE_ROUND_BUTTON, START_ROUND_BUTTON
from bot.posting.rounds.contacts import set_contact
from bot.posting.rounds.messages import NOTHING_NEW_BUTTON, REPORT_BUTTON
from bot.posting.rounds.service import open_round, progress
from bot.posting.scheduler import SchedulerRunner
from bot.render import blocks_to_text
from bot.settings import Settings
from bot.slack.console import Console
from bot.slack.local_api import Call
from bot.slack.requests import FORM, block_action_payload, interaction_body
from bot.slack.services import Services
from bot.store.db import Database
from bot.store.models import OutboxPost
from tests.plan.export.conftest import items_state
from tests.slack.listeners.test_home import open_home
from tests.slack.listeners.test_update_form import element, submit
from tests.support.common import FixedClock, TimedSlack, utc
from tests.support.rounds import MEETING, STARTED, tsag_meeting
from tests.support.snapshots import load_once

ADMIN, CHAIR, RAPPORTEUR, TSB_PERSON = "U0ADMIN", "U0CHAIR", "U0SG13", "U0TSB"
SG17, SG13 = "C0SG17", "C0SG13"
DEADLINE = MEETING - timedelta(days=12)


@pytest.fixture
def services(memory_database_url: str) -> Iterator[Services]:
    clock = FixedClock(STARTED)
    db = Database(memory_database_url)
    load_once(db, ("plan", STARTED.isoformat()), lambda: ensure_plan(db, clock))
    with db.unit_of_work() as session:
        session.add(tsag_meeting())
        for body, channel, users in (("SG17", SG17, None), ("SG13", SG13, None)):
            set_contact(session, body, channel=channel, users=users, by=ADMIN, now=STARTED)
        set_contact(session, "tsb", channel=None, users=[TSB_PERSON], by=ADMIN, now=STARTED)
        session.commit()
    settings = Settings(
        database_url=memory_database_url, admins=frozenset({ADMIN}), digest_cron="0 9 1 1 *"
    )
    yield Services(settings=settings, db=db, clock=clock)
    db.dispose()


@pytest.fixture
def console(services: Services) -> Iterator[Console]:
    console = Console(services, user=ADMIN)
    for user, name in ((ADMIN, "Ada"), (CHAIR, "Chair"), (RAPPORTEUR, "Rita"), (TSB_PERSON, "Tom")):
        console.api.users[user] = {"display_name": name}
    yield console
    console.close()


class Slack(TimedSlack):
    """The tick's posts, as Slack would get them, with the moment of each."""

    def reminders(self) -> list[tuple[datetime, str, list[str]]]:
        return [
            (at, post.channel, codes(post.blocks))
            for at, post in self.posts
            if post.key.split(":")[2].startswith("remind")
        ]


def codes(blocks: list[dict[str, Any]]) -> list[str]:
    """The items a request lists (its *Report* buttons)."""
    return [b["accessory"]["value"] for b in blocks if b.get("accessory", {}).get("value")]


def click(
    console: Console, user: str, action: str, value: str, *, home: bool = False
) -> list[Call]:
    payload = block_action_payload(
        action,
        value,
        user_id=user,
        response_url=console.api.response_url("click"),
        trigger_id="T.round",
    )
    if home:
        for key in ("channel", "message", "response_url"):
            del payload[key]
        payload["container"] = {"type": "view", "view_id": "V0HOME"}
        payload["view"] = {"id": "V0HOME", "type": "home", "callback_id": "", "blocks": []}
    reply = console._dispatch(interaction_body(payload), FORM)
    assert reply.status == 200
    return reply.calls


def notice(calls: list[Call]) -> str:
    (published,) = [call for call in calls if call.method == "views.publish"]
    return blocks_to_text(published.params["view"]["blocks"][1:2])


def asked(services: Services, body: str) -> OutboxPost:
    with services.db.unit_of_work() as session:
        query = select(OutboxPost).where(OutboxPost.key.like(f"round:%:ask:{body}:%"))
        (post,) = session.scalars(query)
        session.expunge(post)
        return post


def walk(runs: list[SchedulerRunner], clock: FixedClock, start: datetime, end: datetime) -> None:
    """Ticks at 07:00 and 08:00 UTC each day: 09:00 in Geneva in summer and in winter, so a
    reminder an hour off would come at the wrong one."""
    day = start.replace(hour=0)
    while day < end:
        for hour in (7, 8):
            moment = day.replace(hour=hour)
            if start <= moment < end:
                clock.now = moment
                for run in runs:
                    run.tick()
        day += timedelta(days=1)


def test_a_round_five_weeks_before_tsag_is_answered_by_every_path_and_the_late_reminded_once(
    console: Console, services: Services
) -> None:
    clock = services.clock
    assert isinstance(clock, FixedClock)
    assert "[Start a reporting round]" in blocks_to_text(open_home(console, ADMIN)["blocks"])
    said = notice(click(console, CHAIR, START_ROUND_BUTTON, "start", home=True))
    assert "Only tsagbot's admins" in said

    said = notice(click(console, ADMIN, START_ROUND_BUTTON, "start", home=True))
    assert said.startswith("Reporting round for TSAG meeting started: 3 bodies asked.")
    assert "Not asked (no channel or people set" in said
    assert "TSBDir" in said

    # each body sees only its own items, in its own channel or by DM
    sg17, sg13, tsb = asked(services, "SG17"), asked(services, "SG13"), asked(services, "TSB")
    assert (sg17.channel, sg13.channel, tsb.channel) == (SG17, SG13, TSB_PERSON)
    assert codes(sg17.blocks) == ["50-18", "52-03", "94-02"]
    assert codes(sg13.blocks) == ["94-02"]
    assert codes(tsb.blocks) == ["01-01", "32-02", "44-01", "70-02"]
    assert "Please report on each by Wed 15 April 2026, 09:30 Geneva time" in sg17.text
    deadline = int(DEADLINE.timestamp())
    assert f"Please report on each by <!date^{deadline}^" in sg17.blocks[0]["text"]["text"]

    # SG17: Report on 50-18 opens the form with it; the chair records a note
    calls = click(console, CHAIR, REPORT_BUTTON, "50-18")
    (opened,) = [call for call in calls if call.method == "views.open"]
    form = opened.params["view"]
    assert [o["value"] for o in element(form, Field.ITEMS)["initial_options"]] == ["50-18"]
    clock.now = STARTED + timedelta(days=2)
    body, _ = submit(
        console, CHAIR, ["50-18"], "note", note="Q4/17 progress in TD310", channel=SG17
    )
    assert not body
    # ... and Nothing new on the rest of its message
    (nothing_new,) = [
        element
        for block in sg17.blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == NOTHING_NEW_BUTTON
    ]
    calls = click(console, CHAIR, NOTHING_NEW_BUTTON, nothing_new["value"])
    (answer,) = [call for call in calls if call.method == "response_url"]
    assert answer.params["text"] == "Thank you: nothing new on 2 items of SG17, for this round."

    # SG13: a message in its channel
    console.user = RAPPORTEUR
    console.message("94-02: the SG13 liaison on IMT-2030 was sent to SG17", channel=SG13)

    # the tick, on two replicas, across Geneva's change to summer time
    slack = Slack(clock)
    runs = [SchedulerRunner(services.db, services.settings, slack, clock=clock) for _ in (1, 2)]
    walk(runs, clock, STARTED + timedelta(days=3), utc(2026, 4, 9))
    console.user = TSB_PERSON  # TSB answers one item after the first reminder
    console.message("32-02: TSB circulated the survey (TSB Circular 250)", channel="C0TSB")
    walk(runs, clock, utc(2026, 4, 9), DEADLINE + timedelta(days=1))

    with services.db.unit_of_work() as session:
        sent = session.execute(
            select(OutboxPost.key, OutboxPost.status).where(OutboxPost.key.like("round:%"))
        ).all()
    assert sorted(sent) == [
        ("round:1:ask:SG13:C0SG13/1", "sent"),
        ("round:1:ask:SG17:C0SG17/1", "sent"),
        ("round:1:ask:TSB:U0TSB/1", "sent"),
        ("round:1:remind-2:TSB:U0TSB/1", "sent"),
        ("round:1:remind-7:TSB:U0TSB/1", "sent"),
    ]
    assert slack.reminders() == [
        (utc(2026, 4, 8, 7), TSB_PERSON, ["01-01", "32-02", "44-01", "70-02"]),
        (utc(2026, 4, 13, 7), TSB_PERSON, ["01-01", "44-01", "70-02"]),
    ]

    with services.db.unit_of_work() as session:
        state = progress(session, open_round(session))
    tallies = {tally.name: tally for tally in state.by_body()}
    # 94-02 is SG17's and SG13's: SG13's report answers it for both
    assert (tallies["SG17"].reported, tallies["SG17"].reporters) == (3, ("Chair", "Rita"))
    assert (tallies["SG13"].reported, tallies["TSB"].reported) == (1, 1)
    assert tallies["TSB"].missing == ("01-01", "44-01", "70-02")

    # closing from the Home tab: the .docx uploaded to the admin, the summary by DM
    home = blocks_to_text(open_home(console, ADMIN)["blocks"])
    assert "Reporting round for TSAG meeting (" in home
    assert "• SG17: 3 of 3 reported" in home
    with services.db.unit_of_work() as session:
        before = items_state(services.db)
        round_id = str(open_round(session).id)
    calls = click(console, ADMIN, CLOSE_ROUND_BUTTON, round_id, home=True)
    assert "Reporting round for TSAG meeting closed" in notice(calls)
    uploads = [call for call in calls if call.method == "files.completeUploadExternal"]
    assert len(uploads) == 1
    upload = [call for call in calls if call.method == "file_upload"]
    with services.db.unit_of_work() as session:
        summary = session.scalars(
            select(OutboxPost).where(OutboxPost.key == f"round:{round_id}:closed:{ADMIN}/1")
        ).one()
        text, channel = blocks_to_text(summary.blocks), summary.channel
    assert "• TSB: 1 of 4 reported, by Tom; not reported: 01-01, 44-01, 70-02" in text
    assert "• SG17: 3 of 3 reported, by Chair, Rita; nothing new from @U0CHAIR" in text
    assert channel == ADMIN

    # the closing export imports back to what the bot holds
    (uploaded,) = upload
    data = uploaded.body
    imported = import_bytes(services.db, data, "closing.docx", clock)
    assert imported.created == []
    assert items_state(services.db) == before
