"""``tsagbot bodies`` (where each responsible body is asked) and ``tsagbot round`` (the
reporting round before a meeting: start, status, close)."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Any

import click
import yaml

from bot.cli.schedule import parse_moment
from bot.cli.support import Context, echo_json, fail, pass_context
from bot.meetings.display import deadline_text
from bot.meetings.when import TimeError, local_datetime, parse_date
from bot.plan.export.service import ExportError, ExportFormat, file_name
from bot.posting.rounds.contacts import (
    RoundError,
    contacts,
    destinations,
    plan_bodies,
    set_contact,
)
from bot.posting.rounds.messages import summary_lines
from bot.posting.rounds.service import (
    RoundProgress,
    close_round,
    find_meeting,
    open_round,
    progress,
    start_round,
)
from bot.render import Renderer, count, mrkdwn_to_text
from bot.store.models import BodyContact

BY = "cli"
"""Who started or closed a round from the command line."""


def _ids(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


@click.group("bodies")
def bodies_group() -> None:
    """The responsible bodies and where a reporting round asks them (channel, people)."""


@bodies_group.command("set")
@click.argument("body", required=False)
@click.option("--channel", metavar="C…", help="The body's channel (its messages go there).")
@click.option("--users", metavar="U1,U2", help="Its chairs and rapporteurs (by DM, no channel).")
@click.option(
    "--file",
    "path",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="A YAML file of bodies: 'SG17: {channel: C…, users: [U1, U2]}'.",
)
@click.option("--clear", is_flag=True, help="Stop asking BODY: forget its channel and people.")
@pass_context
def bodies_set(
    context: Context,
    body: str | None,
    channel: str | None,
    users: str | None,
    path: Path | None,
    clear: bool,
) -> None:
    """Say where BODY (SG17, TSB, Membership…) is asked for its updates in a round; the
    round posts to its channel, else by DM to each of its people."""
    wanted: list[tuple[str, str | None, list[str] | None]] = []
    if channel is not None and not channel.strip():
        fail("--channel is empty: give a channel id (C…), or --clear to stop asking the body")
    if users is not None and not _ids(users):
        fail("--users names nobody: give user ids (U1,U2), or --clear to stop asking the body")
    if path is not None:
        if body or channel or users or clear:
            fail("give BODY with --channel/--users/--clear, or --file, not both")
        wanted = _read_file(path)
    elif body and clear:
        if channel or users:
            fail("--clear forgets the body's channel and people: give it alone")
        wanted = [(body, "", [])]
    elif body:
        wanted = [(body, channel, _ids(users))]
    else:
        fail("name a BODY (e.g. SG17) or give --file")
    with context.db_with_plan().unit_of_work() as session:
        try:
            done = [
                set_contact(session, name, channel=c, users=u, by=BY, now=context.clock())
                for name, c, u in wanted
            ]
        except RoundError as error:
            fail(str(error))
        names = [contact.body for contact in done]
        twice = next((name for name in names if names.count(name) > 1), None)
        if twice is not None:
            fail(f"{path}: {twice} is given twice")
        for contact in done:
            click.echo(f"{contact.body}: {_where(contact)}")
        session.commit()


def _read_file(path: Path) -> list[tuple[str, str | None, list[str] | None]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        fail(f"{path}: cannot be read as YAML ({str(error).splitlines()[0]})")
    if not isinstance(data, dict):
        fail(f"{path}: expected bodies as keys, e.g. 'SG17: {{channel: C0SG17}}'")
    found = []
    for name, entry in data.items():
        if not isinstance(entry, dict) or not set(entry) <= {"channel", "users"}:
            fail(f"{path}: {name}: give channel and/or users")
        users = entry.get("users")
        if isinstance(users, str):
            users = _ids(users)
        if users is not None and not isinstance(users, list):
            fail(f"{path}: {name}: users is a list of user ids")
        channel = entry.get("channel")
        found.append((str(name), None if channel is None else str(channel), _str_list(users)))
    return found


def _str_list(values: list[Any] | None) -> list[str] | None:
    return None if values is None else [str(value) for value in values]


def _where(contact: BodyContact | None) -> str:
    if contact is None or not destinations(contact):
        return "not asked (no channel or people set)"
    if contact.channel:
        extra = f" (people: {', '.join(contact.users)})" if contact.users else ""
        return f"channel {contact.channel}{extra}"
    return f"by DM to {', '.join(contact.users)}"


@bodies_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@pass_context
def bodies_list(context: Context, as_json: bool) -> None:
    """The bodies acting on the plan's items (as read on import) and where each is asked."""
    with context.db_with_plan().unit_of_work() as session:
        counted = plan_bodies(session)
        known = {
            name: (c.channel, list(c.users), _where(c)) for name, c in contacts(session).items()
        }
    names = sorted(set(counted) | set(known), key=lambda name: (-counted[name], name))
    if as_json:
        echo_json(
            [
                {
                    "body": name,
                    "items": counted[name],
                    "channel": known[name][0] if name in known else "",
                    "users": known[name][1] if name in known else [],
                }
                for name in names
            ]
        )
        return
    for name in names:
        where = known[name][2] if name in known else _where(None)
        click.echo(f"{name:<18} {count(counted[name], 'item'):>10}  {where}")


@click.group("round")
def round_group() -> None:
    """The reporting round before a meeting: ask each body for its updates, follow, close."""


def _deadline(text: str | None, context: Context) -> datetime | None:
    """A day (the end of it, 23:59 in the bot's zone) or a moment; None for the default."""
    if text is None:
        return None
    try:
        day = parse_date(text.strip())
    except TimeError:
        return parse_moment(text, "--deadline", context)
    return local_datetime(day, time(23, 59), context.settings.tz)


@round_group.command("start")
@click.option("--meeting", metavar="NAME", help="The meeting (default: the next TSAG meeting).")
@click.option(
    "--deadline",
    metavar="DATE",
    help="When answers are due (default: the meeting's contribution deadline, else 12 days "
    "before it).",
)
@click.option("--json", "as_json", is_flag=True, help="Per body: where it was asked, its items.")
@pass_context
def round_start(context: Context, meeting: str | None, deadline: str | None, as_json: bool) -> None:
    """Ask each body for the updates of its items due at the meeting (one message each, to
    its channel or by DM to its people, posted by the running bot through its outbox)."""
    settings = context.settings
    due = _deadline(deadline, context)
    with context.db_with_schedule().unit_of_work() as session:
        try:
            chosen = find_meeting(session, meeting, context.clock())
            started = start_round(
                session,
                Renderer(settings.document_url),
                settings,
                chosen,
                deadline=due,
                by=BY,
                now=context.clock(),
            )
        except RoundError as error:
            fail(str(error))
        session.commit()
    if as_json:
        echo_json(
            {
                "round": started.round_id,
                "meeting": started.meeting,
                "deadline": started.deadline.isoformat(),
                "bodies": [
                    {"body": asked.body, "to": asked.to, "items": asked.items}
                    for asked in started.asked
                ],
                "unassigned": started.unassigned,
            }
        )
        return
    when = deadline_text(started.deadline, settings.tz)
    click.echo(f"Reporting round for {started.meeting} started; answers due {when}.")
    for asked in started.asked:
        where = ", ".join(asked.to) if asked.to else "NOT ASKED: set it with tsagbot bodies set"
        click.echo(f"  {asked.body}: {count(len(asked.items), 'item')} → {where}")
    if started.unassigned:
        click.echo(f"  no body named (nobody asked): {', '.join(started.unassigned)}")


def _progress_json(state: RoundProgress) -> dict[str, Any]:
    def tallies(found: list[Any]) -> list[dict[str, Any]]:
        return [
            {
                "name": tally.name,
                "reported": tally.reported,
                "total": tally.total,
                "reporters": list(tally.reporters),
                "missing": list(tally.missing),
                "nothing_new": list(tally.nothing_new),
            }
            for tally in found
        ]

    return {
        "round": state.round_id,
        "meeting": state.meeting,
        "deadline": state.deadline.isoformat(),
        "started_at": state.started_at.isoformat(),
        "closed_at": state.closed_at.isoformat() if state.closed_at else None,
        "reported": state.reported,
        "total": state.total,
        "bodies": tallies(state.by_body()),
        "resolutions": tallies(state.by_resolution()),
    }


@round_group.command("status")
@click.option(
    "--meeting", metavar="NAME", help="The round of that meeting (default: the open one)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the progress as JSON.")
@pass_context
def round_status(context: Context, meeting: str | None, as_json: bool) -> None:
    """Which items each body and each Resolution has reported, and who reported them."""
    with context.db_with_plan().unit_of_work() as session:
        try:
            state = progress(session, open_round(session, meeting))
        except RoundError as error:
            fail(str(error))
    if as_json:
        echo_json(_progress_json(state))
        return
    for line in summary_lines(state, context.settings.tz):
        click.echo(mrkdwn_to_text(line))


@round_group.command("close")
@click.option(
    "--meeting", metavar="NAME", help="The round of that meeting (default: the open one)."
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="File (or folder) for the .docx; default: action-plan-<edition>-<date>.docx here.",
)
@pass_context
def round_close(context: Context, meeting: str | None, out: Path | None) -> None:
    """Close the round: write the plan's .docx (every update since the last import as a
    tracked change in its author's name) and queue the summary of who reported to the
    admins (TSAGBOT_ADMINS) by DM."""
    settings = context.settings
    now = context.clock()
    with context.db_with_plan().unit_of_work() as session:
        try:
            found = open_round(session, meeting)
            name = file_name(found.edition, ExportFormat.DOCX, now)
            path = out or Path(name)
            if path.is_dir():
                path = path / name
            closed = close_round(
                session,
                Renderer(settings.document_url),
                settings,
                found,
                by=BY,
                now=now,
                where=f"The updated plan (.docx) is written to {path.resolve()}.",
            )
        except (RoundError, ExportError) as error:
            fail(str(error))
        try:
            path.write_bytes(closed.exported.data)
        except OSError as error:
            fail(f"{path}: cannot be written ({error.strerror or error})")
        session.commit()
    for line in summary_lines(closed.progress, settings.tz):
        click.echo(mrkdwn_to_text(line))
    click.echo(f"Wrote {path} ({closed.exported.edition}, {closed.exported.items} items).")
    click.echo(f"The summary goes to {', '.join(closed.told)} by DM.")
