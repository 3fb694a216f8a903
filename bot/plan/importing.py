"""Use cases of the action plan that the CLI and Slack share: import, bundled data."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.documents.blocks import DocumentError
from bot.documents.limits import LIMITS, LimitError, read_capped
from bot.plan.editions import current_edition, edition_name, edition_year, known_editions
from bot.plan.merge import ImportSummary, merge_plan
from bot.plan.queries import plan_is_empty
from bot.store.db import Database

if TYPE_CHECKING:
    from bot.plan.interpret import ParsedPlan

BUNDLED_PLAN = "wtsa20-action-plan.txt"


@dataclass(frozen=True)
class LoadedPlan:
    plan: ParsedPlan
    kind: str  # "docx" or "text"
    sha256: str


def load_plan(data: bytes) -> LoadedPlan:
    """Parse an action-plan file; DocumentError says in one line why it cannot be.

    The readers (lxml) and the interpreter are imported here, so that a command that
    only opens a database holding a plan does not pay for them."""
    from bot.documents.detect import stream_blocks
    from bot.plan.interpret import interpret

    blocks, kind = stream_blocks(data)
    return LoadedPlan(interpret(blocks), kind, hashlib.sha256(data).hexdigest())


class ImportFailed(Exception):
    """A file could not be imported; nothing was written.  ``str()`` is one line."""


WIPE_SHARE = 0.05  # an import clearing flags or status of more items than this needs a yes
SHOWN_CLEARED = 5


class WouldClear(ImportFailed):
    """The import would clear flags or status text of too many items; nothing was written."""

    def __init__(self, file_name: str, summary: ImportSummary) -> None:
        self.summary = summary
        cleared = summary.cleared
        shown = ", ".join(cleared[:SHOWN_CLEARED]) + (
            ", ..." if len(cleared) > SHOWN_CLEARED else ""
        )
        super().__init__(
            f"{file_name}: would clear flags or status text of {len(cleared)} of "
            f"{summary.items_before} items (more than {WIPE_SHARE:.0%}): {shown}; "
            "nothing was written (see --dry-run; --yes imports it anyway)"
        )


def clears_too_much(summary: ImportSummary) -> bool:
    return len(summary.cleared) > WIPE_SHARE * summary.items_before


def read_file(path: Path, cap: int = LIMITS.document_bytes) -> bytes:
    """The bytes of a file a person gives, if it is a regular file of at most ``cap`` bytes."""
    try:
        return read_capped(path, cap)
    except LimitError as error:
        raise ImportFailed(f"{path}: {error}") from error
    except FileNotFoundError as error:
        raise ImportFailed(f"{path}: no such file") from error
    except OSError as error:
        raise ImportFailed(f"{path}: cannot be read ({error.strerror or error})") from error


def decide_edition(session: Session, plan: ParsedPlan, file_name: str, edition: str | None) -> str:
    """The edition a plan is imported into; ImportFailed says in one line why not.

    The title names it; ``edition`` (``--edition``) confirms it, or names it for a
    document whose title does not (else the current edition is meant).  A plan
    older than the current edition is only imported when ``edition`` says so, so
    that an old file imported by mistake cannot change what ``/action`` shows.
    """
    wanted = edition_name(edition) if edition else None
    if edition and wanted is None:
        raise ImportFailed(f"{edition!r} is not an edition (editions look like WTSA-20)")
    if plan.edition and wanted and plan.edition != wanted:
        raise ImportFailed(f"{file_name}: this is the {plan.edition} plan, not {wanted}")
    current = current_edition(session)
    chosen = plan.edition or wanted or current
    stored = known_editions(session)
    if not wanted and stored and edition_year(chosen) < edition_year(current):
        raise ImportFailed(
            f"{file_name}: this is the {chosen} plan, older than the current {current}; "
            f"to update {chosen}'s items, import it with --edition {chosen}"
        )
    return chosen


def import_bytes(
    db: Database,
    data: bytes,
    file_name: str,
    clock: Clock,
    *,
    dry_run: bool = False,
    allow_clearing: bool = False,
    edition: str | None = None,
) -> ImportSummary:
    """Import one action-plan file in one transaction: all of it or nothing.

    ``dry_run`` merges and rolls back, so the summary says what the import would
    do.  Unless ``allow_clearing``, an import that would clear flags or status
    text of more than 5% of the items raises :class:`WouldClear` before writing.
    """
    return import_loaded(
        db,
        parse_plan(data, file_name),
        file_name,
        clock,
        dry_run=dry_run,
        allow_clearing=allow_clearing,
        edition=edition,
    )


def parse_plan(data: bytes, file_name: str) -> LoadedPlan:
    """:func:`load_plan`, with ImportFailed naming the file."""
    try:
        return load_plan(data)
    except DocumentError as error:
        raise ImportFailed(f"{file_name}: {error}") from error


def import_loaded(
    db: Database,
    loaded: LoadedPlan,
    file_name: str,
    clock: Clock,
    *,
    dry_run: bool = False,
    allow_clearing: bool = False,
    edition: str | None = None,
) -> ImportSummary:
    """:func:`import_bytes` of a file already parsed."""
    with db.unit_of_work() as session:
        loaded.plan.edition = decide_edition(session, loaded.plan, file_name, edition)
        summary = merge_plan(
            session,
            loaded.plan,
            file_name=file_name,
            kind=loaded.kind,
            sha256=loaded.sha256,
            now=clock(),
        )
        summary.dry_run = dry_run
        if dry_run:
            return summary  # the unit of work rolls the merge back
        if not allow_clearing and clears_too_much(summary):
            raise WouldClear(file_name, summary)
        session.commit()
    return summary


def import_path(
    db: Database,
    path: Path,
    clock: Clock,
    *,
    dry_run: bool = False,
    allow_clearing: bool = False,
    edition: str | None = None,
) -> ImportSummary:
    """:func:`import_bytes` of a file: its bytes are let go once parsed, before the merge."""
    return import_loaded(
        db,
        parse_plan(read_file(path), path.name),
        path.name,
        clock,
        dry_run=dry_run,
        allow_clearing=allow_clearing,
        edition=edition,
    )


def bundled_plan() -> bytes:
    return resources.files("bot").joinpath("data", BUNDLED_PLAN).read_bytes()


def ensure_plan(db: Database, clock: Clock) -> ImportSummary | None:
    """Load the bundled WTSA-20 plan into an empty database; None if it had a plan.

    Two processes starting on one empty database both try; the unique keys let
    one of them win, and the other finds the plan there.
    """
    with db.unit_of_work() as session:
        if not plan_is_empty(session):
            return None
    try:
        return import_bytes(db, bundled_plan(), f"bundled:{BUNDLED_PLAN}", clock)
    except IntegrityError:
        return None
