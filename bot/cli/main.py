"""The ``tsagbot`` command line.

Every subcommand builds its inputs (settings, database, clock) once and calls
the same functions that the Slack listeners call.  Errors a user can fix end in
one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bot.cli.support import (
    DB_HELP,
    Context,
    LazyGroup,
    echo_json,
    fail,
    pass_context,
    pause_collection,
    share_db_option,
)
from bot.clock import system_clock
from bot.render import count
from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from sqlalchemy.orm import Session

    from bot.plan.merge import FieldChange, ImportSummary
    from bot.slack.console import Console
    from bot.slack.services import Services
    from bot.store.models import StatusUpdate


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    invoke_without_command=True,
    lazy_commands={
        "export": "bot.cli.export:export_command",
        "meetings": "bot.cli.schedule:meetings_group",
        "reminders": "bot.cli.schedule:reminders_command",
        "digest": "bot.cli.schedule:digest_command",
        "bodies": "bot.cli.rounds:bodies_group",
        "round": "bot.cli.rounds:round_group",
    },
)
@click.option(
    "--db",
    "database_url",
    metavar="URL",
    help=DB_HELP,
)
@click.version_option(package_name="tsagbot")
@click.pass_context
def cli(ctx: click.Context, database_url: str | None) -> None:
    """tsagbot: the WTSA action plan and TSAG schedule, in Slack and here.

    With no command: serve Slack when SLACK_BOT_TOKEN is set (Socket Mode when
    SLACK_APP_TOKEN is set too), else open the local console.
    """
    try:
        settings = Settings.from_env().with_database(database_url)
    except SettingsError as error:
        fail(str(error))
    ctx.obj = Context(settings=settings, clock=system_clock)
    ctx.call_on_close(lambda: ctx.obj._db.dispose() if ctx.obj._db else None)
    if ctx.invoked_subcommand is None:
        if settings.has_slack:
            ctx.invoke(serve_command, socket=bool(settings.slack_app_token))
        else:
            ctx.invoke(console_command)


@cli.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--dry-run", is_flag=True, help="Say what the import would do; write nothing.")
@click.option(
    "--yes", is_flag=True, help="Import even if it clears flags or status of over 5% of items."
)
@click.option(
    "--edition",
    metavar="WTSA-NN",
    help="The Assembly the plan is of; needed to import a plan older than the current one.",
)
@pass_context
def import_command(
    context: Context, path: Path, as_json: bool, dry_run: bool, yes: bool, edition: str | None
) -> None:
    """Import an action plan from a Word document (.docx) or its text export.

    The kind of file is told by its content, the Assembly (edition) by its
    title.  Re-importing merges: document fields are updated, updates recorded
    by people are kept.  A plan of a newer Assembly becomes the current edition;
    the older one's items stay as they are.  A file that cannot be imported
    changes nothing, and neither does one that would clear the flags or status
    text of more than 5% of the items, unless --yes says so.
    """
    from bot.plan.importing import ImportFailed, import_path

    try:
        summary = import_path(
            context.db,
            path,
            context.clock,
            dry_run=dry_run,
            allow_clearing=yes,
            edition=edition,
        )
    except ImportFailed as error:
        fail(str(error))
    if as_json:
        echo_json(summary.as_json())
    else:
        click.echo(format_summary(summary))


def format_summary(summary: ImportSummary) -> str:
    kind = "Word document" if summary.kind == "docx" else "text export"
    verb = "Would import (dry run, nothing written)" if summary.dry_run else "Imported"
    lines = [
        f"{verb} {summary.file_name} ({kind}), the {summary.edition} plan: "
        f"{summary.items} action items in {summary.resolutions} Resolutions, "
        f"{summary.obsolete} obsolete items.",
        f"  created {len(summary.created)}, updated {len(summary.updated)}, "
        f"unchanged {summary.unchanged}",
    ]
    if summary.dry_run and summary.created:
        lines.append("  created: " + ", ".join(summary.created))
    if summary.dry_run:
        lines.extend(f"  {_change(change)}" for change in summary.changes)
    elif summary.updated:
        lines.append("  updated: " + ", ".join(summary.updated))
    if summary.cleared:
        lines.append(
            f"  {count(len(summary.cleared), 'item')} lose a flag or their status text: "
            + ", ".join(summary.cleared)
        )
    if summary.not_in_document:
        lines.append(
            f"  {count(len(summary.not_in_document), 'item')} in the database "
            f"{'is' if len(summary.not_in_document) == 1 else 'are'} not in this document "
            "(kept): " + ", ".join(summary.not_in_document)
        )
    if summary.anomalies:
        lines.append(f"  {len(summary.anomalies)} anomalies to check in the document:")
        lines.extend(f"  - {_shorten(anomaly)}" for anomaly in summary.anomalies)
    return "\n".join(lines)


def _change(change: FieldChange) -> str:
    """One field change, e.g. ``50-18 completed: yes -> no``; a text shows where it differs."""
    before, after = change.before, change.after
    if isinstance(before, str) and isinstance(after, str) and before and after:
        before, after = _where_texts_differ(before, after)

    def shown(value: Any) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list):
            return ", ".join(value) or "(none)"
        return repr(_shorten(value, 60)) if value else "(empty)"

    cleared = "  [cleared]" if change.clears else ""
    return f"{change.item} {change.field}: {shown(before)} -> {shown(after)}{cleared}"


def _where_texts_differ(before: str, after: str, context: int = 20) -> tuple[str, str]:
    """The two texts from a little before their first difference, so that a long status
    whose end changed does not print as two identical beginnings."""
    before, after = " ".join(before.split()), " ".join(after.split())
    start = next(
        (i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b),
        min(len(before), len(after)),
    )
    if start <= context:
        return before, after
    return "…" + before[start - context :], "…" + after[start - context :]


def _shorten(text: str, width: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@cli.command("items")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of objects.")
@click.option("--active", is_flag=True, help="Leave out obsolete items of older plans.")
@click.option("--edition", metavar="WTSA-NN", help="An older edition's items (default: current).")
@pass_context
def items_command(context: Context, as_json: bool, active: bool, edition: str | None) -> None:
    """List every action item of the plan."""
    from bot.plan.queries import all_items, item_as_json
    from bot.plan.views import state_word

    with context.db_with_plan().unit_of_work() as session:
        items = all_items(session, include_obsolete=not active, edition=_edition(session, edition))
        if as_json:
            echo_json([item_as_json(item) for item in items])
            return
        for item in items:
            state = f"obsolete ({item.appendix})" if item.obsolete else state_word(item)
            click.echo(f"{item.code:7} {state:28} {_shorten(item.action, 90)}")


@cli.command("show")
@click.argument("item_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@click.option("--edition", metavar="WTSA-NN", help="The item of an older edition.")
@pass_context
def show_command(context: Context, item_id: str, as_json: bool, edition: str | None) -> None:
    """Show one action item (50-18, 50.18, R50-18 ...) with its history."""
    from bot.plan.queries import find_item, history, in_other_editions, item_as_json, update_as_json

    with context.db_with_plan().unit_of_work() as session:
        chosen = _edition(session, edition)
        found = find_item(session, item_id, edition=chosen)
        if not found:
            fail(f"no action item {item_id!r} in {chosen} (ids look like 50-18)")
        others = in_other_editions(session, found[0].code, chosen)
        if as_json:
            item, namesakes = found[0], found[1:]
            echo_json(
                {
                    **item_as_json(item),
                    "updates": [update_as_json(update) for update in history(session, item)],
                    "namesakes": [item_as_json(other) for other in namesakes],
                    "other_editions": [item_as_json(other) for other in others],
                }
            )
            return
        for item in found:
            click.echo(_describe(item, history(session, item), context.settings.tz))
        for other in others:
            click.echo(
                f"{other.edition} also had a {other.code}: "
                f"tsagbot show {other.code} --edition {other.edition}"
            )


def _edition(session: Session, given: str | None) -> str:
    """The edition ``--edition`` names (checked), else the current one."""
    from bot.plan.editions import current_edition, edition_name, known_editions

    if not given:
        return current_edition(session)
    name = edition_name(given)
    stored = known_editions(session)
    if name is None or (name not in stored and name != current_edition(session)):
        fail(f"no edition {given!r} (stored: {', '.join(stored) or 'none'})")
    return name


def _describe(item: Any, updates: list[StatusUpdate], tz: ZoneInfo) -> str:
    from bot.plan.queries import item_as_json

    data = item_as_json(item)
    yes = {True: "yes", False: "no"}
    title = f"{item.resolution.label} – {data['title']}".strip(" –")
    lines = [
        f"{data['id']}  {title}",
        *([f"  OBSOLETE: {item.appendix}"] if item.obsolete else []),
        *([f"  alias: {', '.join(data['aliases'])}"] if data["aliases"] else []),
        f"  action:    {data['action']}",
        "  milestone: " + "\n             ".join((data["milestone"] or "-").splitlines()),
        f"  periodic goals met: {yes[data['periodic_goals_met']]}   "
        f"completed: {yes[data['completed']]}",
        "  status:",
        *[f"    {line}" for line in (data["status"] or "(none)").splitlines()],
    ]
    if updates:
        lines.append("  history:")
        lines.extend(
            f"    {u.created_at.astimezone(tz):%Y-%m-%d %H:%M %Z} {u.kind} by "
            f"{u.author or '?'} ({u.source}): {u.words}"
            for u in updates
        )
    return "\n".join(lines)


def _services(context: Context) -> Services:
    from bot.slack.services import Services

    return Services(settings=context.settings, db=context.db_with_schedule(), clock=context.clock)


@cli.command("serve")
@click.option("--port", default=3000, show_default=True, help="HTTP port for Slack's requests.")
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option("--socket", is_flag=True, help="Use Socket Mode (SLACK_APP_TOKEN) instead of HTTP.")
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=click.IntRange(2, 64),
    help="HTTP worker threads.",
)
@pass_context
def serve_command(context: Context, port: int, host: str, socket: bool, threads: int) -> None:
    """Run the Slack app: HTTP at POST /slack/events (GET /healthz, /readyz, /metrics,
    /calendar.ics), or Socket Mode."""
    from slack_bolt.error import BoltError
    from slack_sdk.errors import SlackApiError

    from bot.slack.app import create_app
    from bot.slack.logs import configure_logging
    from bot.slack.poster import posting_client
    from bot.slack.runtime import Background, stop_on_signals
    from bot.slack.server import HttpLimits, make_wsgi_app, serve_http

    settings = context.settings
    try:
        settings.require_socket() if socket else settings.require_http()
    except SettingsError as error:
        fail(str(error))
    configure_logging(settings.log_format)
    services = _services(context)
    try:
        posting_client(settings).auth_test()  # once, without retries: a clear line at once
        app = create_app(settings, services=services)
    except (BoltError, SlackApiError) as error:
        fail(f"Slack refused the bot token: {error}")
    except OSError as error:  # auth.test could not reach Slack (DNS, refused, timeout)
        reason = getattr(error, "reason", None) or error.strerror or error
        fail(f"cannot reach Slack at {settings.slack_api_url}: {reason}")
    background = Background.start(services)
    stopping = stop_on_signals()
    try:
        if socket:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            SocketModeHandler(app, settings.slack_app_token).start()  # type: ignore[no-untyped-call]
            return
        limits = HttpLimits(threads=threads)
        application = make_wsgi_app(app, services, limits)
        try:
            serve_http(application, host, port, limits)
        except OSError as error:  # the address is taken, or not this machine's
            fail(f"cannot listen on {host}:{port}: {error.strerror or error}")
    except KeyboardInterrupt:
        pass  # SIGINT or SIGTERM (Socket Mode): stop as below
    finally:
        background.stop(started=stopping.since())


@cli.command("migrate")
@pass_context
def migrate_command(context: Context) -> None:
    """Bring the database schema up to date, then exit (run once per release, before serve)."""
    db = context.db
    revisions = ", ".join(sorted(db.revisions()))
    click.echo(f"database {db.safe_url} is at schema revision {revisions}")


AT_HELP = (
    "Run on a moved clock that reads DATETIME now and runs on from there "
    "(e.g. 2025-01-20, or '2025-02-11 12:30' in TSAGBOT_TIMEZONE, or ISO 8601 with an offset)."
)


def at_option(command: Callable[..., None]) -> Callable[..., None]:
    """``--at DATETIME``: the command runs on a clock moved to that moment."""
    return click.option("--at", "at", metavar="DATETIME", help=AT_HELP)(command)


def _console(context: Context, at: str | None, *, user: str | None = None) -> Console:
    """The console, on the clock ``--at`` moved (said on stderr), else the real one;
    ``user`` defaults to the console's own."""
    from bot.slack.console import CONSOLE_USER, Console

    if at:
        from bot.cli.schedule import parse_moment
        from bot.clock import moved_clock

        moment = parse_moment(at, "--at", context)
        context.clock = moved_clock(moment)
        shown = moment.astimezone(context.settings.tz)
        click.echo(f"(the clock reads {shown:%a %d %b %Y %H:%M %Z}, moved by --at)", err=True)
    return Console(_services(context), user=user or CONSOLE_USER)


@cli.command("ask")
@click.argument("line")
@click.option("--json", "as_json", is_flag=True, help="Print the Block Kit payload.")
@click.option("--user", help="Slack user id to ask as (default: the console's user).")
@at_option
@pass_context
def ask_command(
    context: Context, line: str, as_json: bool, user: str | None, at: str | None
) -> None:
    """Run one Slack command, or ask a question, locally: tsagbot ask "/action 50-18",
    tsagbot ask "@tsagbot when was the last IRM?" (the @tsagbot may be left out)."""
    console = _console(context, at, user=user)
    reply = console.ask(line)
    if as_json:
        echo_json(reply.messages())
    else:
        click.echo(reply.as_text() if reply.messages() else "(no answer)")
    if reply.status != 200:
        sys.exit(1)


@cli.command("say")
@click.argument("text")
@click.option("--user", help="Slack user id posting (default: the console's user).")
@click.option("--channel", help="Slack channel id (default: the console's channel).")
@click.option("--json", "as_json", is_flag=True, help="Print the Web API calls as JSON.")
@at_option
@pass_context
def say_command(
    context: Context,
    text: str,
    user: str | None,
    channel: str | None,
    as_json: bool,
    at: str | None,
) -> None:
    """Post a channel message locally, e.g. tsagbot say "50-18 done, see TD206"."""
    console = _console(context, at, user=user)
    reply = console.message(text, channel=channel)
    if as_json:
        echo_json(reply.messages())
    else:
        click.echo(reply.as_text() if reply.messages() else "(nothing recorded)")
    if reply.status != 200:
        sys.exit(1)


@cli.command("console")
@at_option
@pass_context
def console_command(context: Context, at: str | None = None) -> None:
    """Talk to the bot here, as in Slack: /action 50-18, /meetings, @tsagbot and a question,
    or any other line, posted as a channel message (50-18 done), as tsagbot say does."""
    from bot.slack.console import split_command

    console = _console(context, at)
    click.echo(
        "tsagbot console: type /action 50-18, /meetings irm, /home, "
        "@tsagbot when is the next TSAG?, or post 50-18 in progress, see TD206; 'quit' ends."
    )
    while True:
        try:
            line = input("tsagbot> ")
        except (EOFError, KeyboardInterrupt):
            click.echo()
            return
        if line.strip().lower() in ("quit", "exit", ":q"):
            return
        if not line.strip():
            continue
        if line.lstrip().startswith("@"):  # a question, as a mention
            reply = console.ask(line)
            click.echo(reply.as_text() if reply.messages() else "(no answer)")
            continue
        if not line.lstrip().startswith("/"):  # a channel message, as `tsagbot say`
            reply = console.message(line.strip())
            click.echo(reply.as_text() if reply.messages() else "(nothing recorded)")
            continue
        click.echo(console.command(*split_command(line)).as_text())


share_db_option(cli)


def main() -> None:
    pause_collection()
    cli(prog_name="tsagbot")
