"""``tsagbot meetings``, ``tsagbot reminders`` and ``tsagbot digest``: the schedule from a shell."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from bot.cli_support import Context, echo_json, fail, pass_context
from bot.meetings.dispatch import DigestSlot, Dispatcher, digest_slot
from bot.meetings.display import when_text
from bot.meetings.model import KIND_CHOICES, parse_kind
from bot.meetings.outbox import Post
from bot.meetings.queries import all_meetings
from bot.meetings.reminders import Reminder
from bot.meetings.service import Reading, meeting_as_json, preview, read_meetings, store
from bot.meetings.when import TimeError, local_datetime, parse_date_time
from bot.plan_service import ImportFailed, read_file
from bot.render import Renderer, blocks_to_text, mrkdwn_to_text


def parse_moment(text: str, context: Context) -> datetime:
    """``2025-02-10 09:00`` in the bot's zone, or ISO 8601 with an offset."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is not None and moment.tzinfo is not None:
        return moment
    try:
        day, at = parse_date_time(text)
        return local_datetime(day, at or datetime.min.time(), context.settings.tz)
    except TimeError as error:
        fail(f"{text!r}: {error}")


def _dispatcher(context: Context) -> Dispatcher:
    return Dispatcher(context.db_with_schedule(), context.settings, Renderer())


@click.group("meetings")
def meetings_group() -> None:
    """The meeting schedule: import it, list it."""


@meetings_group.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Import what a document holds without asking.")
@click.option("--json", "as_json", is_flag=True, help="Print what was found and done as JSON.")
@pass_context
def meetings_import(context: Context, path: Path, yes: bool, as_json: bool) -> None:
    """Import meetings from a schedule file (.yaml, .yml, .csv) or a meeting document.

    A schedule file is imported whole, or not at all if any row is wrong. A
    document (.docx or its text export) is searched for meetings: what is found
    is listed with the sentence or row it came from, and imported with --yes or
    when you confirm. Meetings the schedule already has are reported, not
    added again.
    """
    db = context.db_with_plan()
    try:
        reading = read_meetings(read_file(path), path.name, context.settings.tz)
    except ImportFailed as error:
        fail(str(error))
    reading = preview(db, reading, context.clock())
    chosen = _choose(reading, yes=yes, as_json=as_json)
    summary = store(db, reading, context.clock, chosen) if chosen else None
    added = len(summary.added) if summary else 0
    if as_json:
        echo_json(
            {
                "file": path.name,
                "kind": reading.kind,
                "found": [_finding_json(finding, context) for finding in reading.findings],
                "imported": added,
                "known": sum(1 for finding in reading.findings if not finding.is_new),
            }
        )
        return
    click.echo(f"{path.name}: {_count(added, 'meeting')} imported.")


def _choose(reading: Reading, *, yes: bool, as_json: bool) -> list[int]:
    new = [index for index, finding in enumerate(reading.findings) if finding.is_new]
    if not as_json:
        _list_findings(reading)
    if not new:
        return []
    if reading.kind == "schedule" or yes:
        return new
    if as_json or not sys.stdin.isatty():
        click.echo("Nothing imported from a document without --yes.", err=True)
        return []
    answer = click.prompt(
        "Import which? all, none, or numbers such as 1,3-4", default="none", show_default=True
    )
    return _picked(answer, new, len(reading.findings))


def _picked(answer: str, new: list[int], total: int) -> list[int]:
    text = answer.strip().lower()
    if text in {"all", "a", "yes", "y"}:
        return new
    picked: set[int] = set()
    for part in (part.strip() for part in text.split(",") if part.strip()):
        if part in {"none", "n", "no"}:
            return []
        first, _, last = part.partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            fail(f"{part!r} is not a number or range of the list")
        for number in range(int(first), int(last or first) + 1):
            if not 1 <= number <= total:
                fail(f"there is no meeting {number} in the list")
            picked.add(number - 1)
    return [index for index in new if index in picked]


def _list_findings(reading: Reading) -> None:
    if not reading.findings:
        click.echo(f"{reading.file_name}: no meetings found.")
        return
    for number, finding in enumerate(reading.findings, start=1):
        draft = finding.draft
        status = "new" if finding.is_new else f"already known as {finding.known!r}"
        click.echo(f"{number:3}. [{status}] {draft.name} ({draft.kind})")
        click.echo(f"     {_draft_when(draft.start, draft.end, draft.all_day, draft.timezone)}")
        click.echo(f"     from {finding.where}: {finding.evidence[:200]}")


def _draft_when(start: datetime, end: datetime, all_day: bool, zone: str) -> str:
    tz = ZoneInfo(zone)
    if all_day:
        return f"{start.astimezone(tz):%Y-%m-%d} to {end.astimezone(tz):%Y-%m-%d} (all day)"
    return f"{start.astimezone(tz):%Y-%m-%d %H:%M}–{end.astimezone(tz):%H:%M} {zone}"


def _finding_json(finding: Any, context: Context) -> dict[str, Any]:
    draft = finding.draft
    tz = context.settings.tz
    return {
        "name": draft.name,
        "kind": str(draft.kind),
        "start": draft.start.astimezone(tz).isoformat(),
        "end": draft.end.astimezone(tz).isoformat(),
        "all_day": draft.all_day,
        "mode": str(draft.mode or "") or None,
        "place": draft.place,
        "link": draft.link,
        "deadline": draft.deadline.astimezone(tz).isoformat() if draft.deadline else None,
        "agenda": [
            {"title": entry.title, "documents": list(entry.documents)} for entry in draft.agenda
        ],
        "source": draft.source,
        "where": finding.where,
        "evidence": finding.evidence,
        "status": "new" if finding.is_new else "known",
        "known_as": finding.known or None,
    }


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@meetings_group.command("list")
@click.option("--kind", help=f"Only meetings of this kind ({KIND_CHOICES}).")
@click.option("--upcoming", is_flag=True, help="Only meetings not yet over.")
@click.option("--json", "as_json", is_flag=True, help="Print the meetings as JSON.")
@pass_context
def meetings_list(context: Context, kind: str | None, upcoming: bool, as_json: bool) -> None:
    """Every meeting of the schedule, in time order (times in TSAGBOT_TIMEZONE)."""
    wanted = None
    if kind:
        wanted = parse_kind(kind)
        if wanted is None:
            fail(f"unknown kind {kind!r} (use one of {KIND_CHOICES})")
    tz = context.settings.tz
    now = context.clock()
    with context.db_with_schedule().unit_of_work() as session:
        meetings = [
            meeting
            for meeting in all_meetings(session)
            if (wanted is None or meeting.kind == wanted) and (not upcoming or meeting.end > now)
        ]
        if as_json:
            echo_json([meeting_as_json(meeting, tz) for meeting in meetings])
            return
        for meeting in meetings:
            line = f"{when_text(meeting, tz)}  {meeting.name} [{meeting.kind}]"
            if meeting.deadline is not None:
                line += f"  deadline {meeting.deadline.astimezone(tz):%Y-%m-%d %H:%M}"
            click.echo(line)
        click.echo(f"({_count(len(meetings), 'meeting')})")


@click.command("reminders")
@click.option("--from", "start", metavar="DATETIME", help="Start of the window (bot's zone).")
@click.option("--to", "end", metavar="DATETIME", help="End of the window, excluded.")
@click.option("--dry-run", is_flag=True, help="Print what would be posted at --at, post nothing.")
@click.option("--at", "at", metavar="DATETIME", help="The moment for --dry-run (default: now).")
@click.option("--json", "as_json", is_flag=True, help="Print the reminders as JSON.")
@pass_context
def reminders_command(
    context: Context,
    start: str | None,
    end: str | None,
    dry_run: bool,
    at: str | None,
    as_json: bool,
) -> None:
    """Reminders of the schedule: every one due in a window, or what is posted at a moment.

    \b
    tsagbot reminders --from 2025-02-01 --to 2025-02-15
    tsagbot reminders --dry-run --at "2025-02-11 12:30"
    DATETIME is "2025-02-11 12:30" in TSAGBOT_TIMEZONE, or ISO 8601 with an offset.
    """
    dispatcher = _dispatcher(context)
    if start or end:
        if not (start and end):
            fail("give both --from and --to")
        low, high = parse_moment(start or "", context), parse_moment(end or "", context)
        if high <= low:
            fail("--to must be after --from")
        with dispatcher.db.unit_of_work() as session:
            reminders = dispatcher.reminders_in(session, low, high)
            posts = [
                (reminder, dispatcher.compose_reminders(session, [reminder], reminder.at)[0])
                for reminder in reminders
            ]
            _print_reminders(context, posts, as_json)
        return
    if not dry_run:
        fail("give --from and --to, or --dry-run [--at DATETIME]; `tsagbot serve` posts them")
    now = parse_moment(at, context) if at else context.clock()
    with dispatcher.db.unit_of_work() as session:
        due = dispatcher.due_reminders(session, now)
        posts = list(zip(due, dispatcher.compose_reminders(session, due, now), strict=True))
        _print_reminders(context, posts, as_json)


def _print_reminders(context: Context, posts: list[tuple[Reminder, Post]], as_json: bool) -> None:
    tz = context.settings.tz
    rows = [
        {
            "at": reminder.at.astimezone(tz).isoformat(),
            "kind": reminder.kind
            if reminder.kind != "deadline"
            else f"deadline-{reminder.days_before}d",
            "meeting": reminder.meeting.name,
            "meeting_uid": reminder.meeting.uid,
            "meeting_start": reminder.meeting.start.astimezone(tz).isoformat(),
            "channel": reminder.channel or None,
            "key": reminder.key,
            "useful_until": reminder.useful_until.astimezone(tz).isoformat(),
            "text": mrkdwn_to_text(post.text),
        }
        for reminder, post in posts
    ]
    if as_json:
        echo_json(rows)
        return
    for (reminder, _), row in zip(posts, rows, strict=True):
        channel = reminder.channel or "(no channel: set TSAGBOT_ANNOUNCE_CHANNEL)"
        at = reminder.at.astimezone(tz)
        click.echo(f"{at:%Y-%m-%d %H:%M}  {row['kind']:<12} {reminder.meeting.name}  -> {channel}")
        click.echo(f"    {row['text']}")
    click.echo(f"({_count(len(rows), 'reminder')})")


@click.command("digest")
@click.option("--dry-run", is_flag=True, help="Print the digest; post nothing.")
@click.option("--at", "at", metavar="DATETIME", help="The moment to build it at (default: now).")
@click.option("--json", "as_json", is_flag=True, help="Print the Slack messages as JSON.")
@pass_context
def digest_command(context: Context, dry_run: bool, at: str | None, as_json: bool) -> None:
    """Print the weekly digest as it would be posted at a moment.

    `tsagbot serve` posts it by itself on TSAGBOT_DIGEST_CRON (Monday 09:00 by
    default) in TSAGBOT_DIGEST_CHANNEL.
    """
    if not dry_run:
        fail("give --dry-run; `tsagbot serve` posts the digest on TSAGBOT_DIGEST_CRON")
    now = parse_moment(at, context) if at else context.clock()
    dispatcher = _dispatcher(context)
    slot = digest_slot(context.settings.digest_cron, context.settings.tz, now)
    with dispatcher.db.unit_of_work() as session:
        posts = dispatcher.compose_digest(session, now, slot or DigestSlot(now, now))
    channel = context.settings.digest_channel or None
    if as_json:
        echo_json(
            {
                "at": now.astimezone(context.settings.tz).isoformat(),
                "scheduled": slot is not None,
                "channel": channel,
                "messages": [{"text": post.text, "blocks": post.blocks} for post in posts],
            }
        )
        return
    if slot is None:
        click.echo(f"(no digest is due at this moment under '{context.settings.digest_cron}')")
    click.echo(f"(to {channel or 'no channel: set TSAGBOT_DIGEST_CHANNEL'})")
    for number, post in enumerate(posts, start=1):
        if len(posts) > 1:
            click.echo(f"--- message {number} of {len(posts)} ---")
        click.echo(blocks_to_text(post.blocks))
