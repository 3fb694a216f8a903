"""``tsagbot meetings``, ``tsagbot reminders`` and ``tsagbot digest``: the schedule from a shell."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from bot.cli.support import Context, echo_json, fail, pass_context
from bot.meetings.display import when_text
from bot.meetings.merge import MeetingChange, MergeSummary, Slot
from bot.meetings.model import KIND_CHOICES, MeetingDraft, parse_kind
from bot.meetings.queries import all_meetings
from bot.meetings.service import (
    Finding,
    Reading,
    file_cap,
    meeting_as_json,
    preview,
    read_meetings,
    store,
)
from bot.meetings.when import TimeError, local_datetime, parse_date_time
from bot.plan.importing import ImportFailed, read_file
from bot.posting import meeting_changes
from bot.posting.dispatch import DigestSlot, Dispatcher, digest_slot
from bot.posting.outbox import Post
from bot.posting.reminders import Reminder
from bot.posting.rounds.reminders import round_reminder_posts
from bot.render import Renderer, blocks_to_text, count, mrkdwn_to_text


def parse_moment(text: str, option: str, context: Context) -> datetime:
    """``2025-02-10 09:00`` in the bot's zone, or ISO 8601 with an offset; else exit 2."""
    tz = context.settings.tz
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    try:
        if moment is None:
            day, at = parse_date_time(text)
            return local_datetime(day, at or time(0), tz)
        if moment.tzinfo is None:
            return local_datetime(moment.date(), moment.time(), tz)
        return moment
    except TimeError as error:
        fail(f"{option}: {error}")


def _dispatcher(context: Context) -> Dispatcher:
    return Dispatcher(
        context.db_with_schedule(), context.settings, Renderer(context.settings.document_url)
    )


@click.group("meetings")
def meetings_group() -> None:
    """The meeting schedule: import it, list it."""


@meetings_group.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Import every new meeting without asking.")
@click.option(
    "--ask",
    is_flag=True,
    help="Ask which meetings to import, reading the answer from stdin even when it is "
    "not a terminal.",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was found and done as JSON.")
@pass_context
def meetings_import(context: Context, path: Path, yes: bool, ask: bool, as_json: bool) -> None:
    """Import meetings from a schedule file (.yaml, .yml, .csv) or a meeting document.

    A schedule file is imported whole, or not at all if any row is wrong. A
    document (.docx or its text export) is searched for meetings: what is found
    is listed with the sentence or row it came from, and imported with --yes or
    when you confirm. You are asked when stdin is a terminal, or with --ask
    (the answer is then read from stdin, e.g. echo 1,3 | tsagbot meetings
    import --ask FILE); otherwise nothing of a document is imported without
    --yes. Meetings the schedule already has are reported, not added again;
    when the whole file is imported, the details only it gives (a time, place,
    link, deadline, agenda) are filled in.
    """
    if yes and ask:
        fail("give --yes or --ask, not both")
    try:
        data = read_file(path, file_cap(path.name))
        reading = read_meetings(data, path.name, context.settings.tz)
    except ImportFailed as error:
        fail(str(error))
    db = context.db_with_plan()
    reading = preview(db, reading, context.clock())
    if ask or not as_json:
        _list_findings(reading, err=as_json)
    chosen = _choose(reading, yes=yes, ask=ask, as_json=as_json)
    announce = partial(
        meeting_changes.announce,
        renderer=Renderer(context.settings.document_url),
        settings=context.settings,
    )
    summary = store(db, reading, context.clock, chosen, announce=announce) if chosen else None
    added = len(summary.added) if summary else 0
    known = sum(1 for finding in reading.findings if not finding.is_new)
    filled = _filled(reading, summary)
    if as_json:
        echo_json(
            {
                "file": path.name,
                "kind": reading.kind,
                "found": [_finding_json(finding, context) for finding in reading.findings],
                "imported": added,
                "known": known,
                "filled": [{"name": name, "fields": fields} for name, fields in filled],
                "changed": [_change_json(change) for change in summary.changed] if summary else [],
            }
        )
        return
    click.echo(f"{path.name}: {count(added, 'meeting')} imported, {known} already known.")
    for name, fields in filled:
        click.echo(f"  {name}: filled in {', '.join(fields)}")
    for change in summary.changed if summary else []:
        said = mrkdwn_to_text(meeting_changes.notice(Renderer(), change, context.settings.tz).text)
        click.echo(f"  {said} (announced)")


def _change_json(change: MeetingChange) -> dict[str, Any]:
    def slot(found: Slot | None) -> dict[str, Any] | None:
        if found is None:
            return None
        return {
            "start": found.start.isoformat(),
            "end": found.end.isoformat(),
            "place": found.place,
            "link": found.link,
        }

    return {
        "uid": change.uid,
        "name": change.name,
        "before": slot(change.before),
        "after": slot(change.after),
    }


def _choose(reading: Reading, *, yes: bool, ask: bool, as_json: bool) -> list[int]:
    """The 0-based indexes of the findings to store; none when the import is declined.

    When every new meeting is taken, the known ones go along, so that the merge
    fills in what only this file says about them. A partial choice stores only
    the chosen meetings: a finding may be "known" only as the duplicate of a
    new one that was left out, and must not come in through the back door.
    """
    everything = list(range(len(reading.findings)))
    new = [index for index in everything if reading.findings[index].is_new]
    if yes or (reading.kind == "schedule" and not ask):
        return everything
    if not new:
        return []
    terminal = stdin_is_terminal()
    if not ask and (as_json or not terminal):
        click.echo("Nothing imported from a document without --yes or --ask.", err=True)
        return []
    try:
        answer = click.prompt(
            "Import which? all, none, or numbers such as 1,3-4",
            default="none",
            show_default=True,
            err=as_json,
        )
    except click.Abort:
        fail("no answer; nothing imported")
    if not terminal:
        click.echo(answer, err=as_json)  # a terminal echoes what is typed; a pipe does not
    picked = _picked(answer, new, len(reading.findings))
    if not picked:
        click.echo("Nothing imported.", err=as_json)
    return everything if picked == new else picked


def stdin_is_terminal() -> bool:
    """Whether a person can answer on stdin (tests replace this to play one)."""
    return sys.stdin.isatty()


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


def _filled(reading: Reading, summary: MergeSummary | None) -> list[tuple[str, list[str]]]:
    """Known meetings that the import completed, by the name they are stored under.

    The source is left out: every document that names a meeting is added to
    it, which is bookkeeping rather than news.
    """
    if summary is None:
        return []
    names = {id(finding.draft): finding.known for finding in reading.findings}
    found = []
    for draft, _, fields in summary.known:
        shown = [field for field in fields if field != "source"]
        if shown:
            found.append((names.get(id(draft)) or draft.name, shown))
    return found


def _list_findings(reading: Reading, *, err: bool = False) -> None:
    if not reading.findings:
        click.echo(f"{reading.file_name}: no meetings found.", err=err)
        return
    for number, finding in enumerate(reading.findings, start=1):
        draft = finding.draft
        status = "new"
        if not finding.is_new:
            status = "already known"
            if finding.known != draft.name:
                status += f" as {finding.known!r}"
        click.echo(f"{number:3}. [{status}] {draft.name} ({draft.kind})", err=err)
        click.echo(f"     {_draft_when(draft)}", err=err)
        evidence = "" if finding.evidence == finding.where else f": {finding.evidence[:200]}"
        click.echo(f"     from {finding.where}{evidence}", err=err)


def _draft_when(draft: MeetingDraft) -> str:
    tz = ZoneInfo(draft.timezone)
    start = draft.start.astimezone(tz)
    if draft.all_day:
        # An all-day meeting ends at the midnight after its last day.
        last = max(draft.start, draft.end - timedelta(hours=12)).astimezone(tz)
        if last.date() == start.date():
            return f"{start:%Y-%m-%d} (all day)"
        return f"{start:%Y-%m-%d} to {last:%Y-%m-%d} (all day)"
    if draft.end <= draft.start:
        return f"{start:%Y-%m-%d %H:%M} {draft.timezone}"
    end = draft.end.astimezone(tz)
    end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
    return f"{start:%Y-%m-%d %H:%M}–{end_text} {draft.timezone}"


def _finding_json(finding: Finding, context: Context) -> dict[str, Any]:
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
        click.echo(f"({count(len(meetings), 'meeting')})")


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
    if start or end:
        if dry_run or at:
            fail("give --from and --to, or --dry-run [--at DATETIME], not both")
        if not (start and end):
            fail("give both --from and --to")
        low, high = parse_moment(start, "--from", context), parse_moment(end, "--to", context)
        if high <= low:
            fail("--to must be after --from")
        dispatcher = _dispatcher(context)
        with dispatcher.db.unit_of_work() as session:
            found = dispatcher.reminders_in(session, low, high)
            # Each worded as at its own moment ("starting in 30 minutes"), as it is posted.
            composed = dispatcher.compose_reminders(session, found, None)
            _print_reminders(context, list(zip(found, composed, strict=True)), as_json, whole=False)
        return
    if not dry_run:
        fail("give --from and --to, or --dry-run [--at DATETIME]; `tsagbot serve` posts them")
    now = parse_moment(at, "--at", context) if at else context.clock()
    dispatcher = _dispatcher(context)
    with dispatcher.db.unit_of_work() as session:
        due = dispatcher.due_reminders(session, now)
        posts = list(zip(due, dispatcher.compose_reminders(session, due, now), strict=True))
        rounds = round_reminder_posts(session, Renderer(), context.settings, now)
        _print_reminders(context, posts, as_json, whole=True, rounds=rounds)


def _print_reminders(
    context: Context,
    posts: list[tuple[Reminder, Post]],
    as_json: bool,
    *,
    whole: bool,
    rounds: Sequence[Post] = (),
) -> None:
    """The reminders as rows (then a reporting round's, ``rounds``); ``whole`` prints each
    message as posted, not only its first line."""
    tz = context.settings.tz
    meeting_rows = [
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
            "blocks": post.blocks,
        }
        for reminder, post in posts
    ]
    round_rows = [
        {
            "at": post.due_at.astimezone(tz).isoformat(),
            "kind": "round",
            "channel": post.channel,
            "key": post.key,
            "text": mrkdwn_to_text(post.text),
            "blocks": post.blocks,
        }
        for post in rounds
    ]
    rows = meeting_rows + round_rows
    if as_json:
        echo_json(rows)
        return
    for (reminder, post), row in zip(posts, meeting_rows, strict=True):
        channel = reminder.channel or "(no channel: set TSAGBOT_ANNOUNCE_CHANNEL)"
        at = reminder.at.astimezone(tz)
        click.echo(f"{at:%Y-%m-%d %H:%M}  {row['kind']:<12} {reminder.meeting.name}  -> {channel}")
        _print_text(post, whole)
    for post in rounds:
        at = post.due_at.astimezone(tz)
        click.echo(f"{at:%Y-%m-%d %H:%M}  {'round':<12} reporting round  -> {post.channel}")
        _print_text(post, whole)
    click.echo(f"({count(len(rows), 'reminder')})")


def _print_text(post: Post, whole: bool) -> None:
    text = blocks_to_text(post.blocks) if whole else mrkdwn_to_text(post.text)
    click.echo("\n".join(f"    {line}" for line in text.splitlines()))


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
    now = parse_moment(at, "--at", context) if at else context.clock()
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
