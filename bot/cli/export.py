"""``tsagbot export``: the plan as the next TSAG document, a spreadsheet, CSV, Markdown or JSON."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.support import Context, fail, pass_context
from bot.plan.export.service import ExportError, ExportFormat, export_plan, parse_format


@click.command("export")
@click.option(
    "--format",
    "fmt",
    default="docx",
    show_default=True,
    metavar="|".join(fmt.value for fmt in ExportFormat),
    help="What to write.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="File (or folder) to write, - for standard output; default: "
    "action-plan-<edition>-<date>.<format> here.",
)
@click.option(
    "--edition", metavar="E", help="The Assembly's plan, e.g. WTSA-20 (default: current)."
)
@click.option("--clean", is_flag=True, help="The current state, without Word revision marks.")
@pass_context
def export_command(
    context: Context, fmt: str, out: Path | None, edition: str | None, clean: bool
) -> None:
    """Export the action plan; the .docx shows every update recorded since the last
    import as a Word tracked change in the name of the person who recorded it."""
    try:
        chosen = parse_format(fmt)
        with context.db_with_plan().unit_of_work() as session:
            exported = export_plan(
                session, chosen, now=context.clock(), edition=edition, clean=clean
            )
    except ExportError as error:
        fail(str(error))
    summary = f"({exported.edition}, {exported.items} items)"
    if out == Path("-"):
        click.echo(exported.data, nl=False)  # bytes: written to the binary stream
        click.echo(f"Wrote the {chosen.value} to standard output {summary}.", err=True)
        return
    path = out or Path(exported.name)
    if path.is_dir():
        path = path / exported.name
    try:
        path.write_bytes(exported.data)
    except OSError as error:
        fail(f"{path}: cannot be written ({error.strerror or error})")
    click.echo(f"Wrote {path} {summary}.")
