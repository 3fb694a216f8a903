"""Editions: each World Telecommunication Standardization Assembly's action plan.

A plan names its Assembly in its title ("Action plan for implementation of
WTSA-20 Resolutions").  Items belong to an edition, and numbers are only unique
within one: WTSA-24's 50-18 is another action than WTSA-20's.  The newest
edition stored is the current one; ``/action``, search, the digest, milestones
and questions read its items, and the older editions' items stay as they were,
with their history, as obsolete items of their edition.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot.store.models import FIRST_EDITION, Edition

EDITION = re.compile(r"\bWTSA\s*[-‑–—]?\s*(?P<year>\d{4}|\d{2})\b", re.IGNORECASE)
_WHOLE = re.compile(rf"^\s*{EDITION.pattern}\s*$", re.IGNORECASE)


def edition_year(name: str) -> int:
    """2020 for ``WTSA-20``; two-digit years are of this century (WTSA-00 was in 2000)."""
    match = _WHOLE.match(name)
    if match is None:
        raise ValueError(f"not an edition name: {name!r}")
    year = int(match["year"])
    return year if year >= 100 else 2000 + year


def edition_name(text: str) -> str | None:
    """``WTSA-20`` for ``wtsa-20``, ``WTSA 20``, ``WTSA-2020``; None if text is not one."""
    if _WHOLE.match(text) is None:
        return None
    return f"WTSA-{edition_year(text) % 100:02d}"


def current_edition(session: Session) -> str:
    """The newest edition stored; the first one when none is (an empty database)."""
    return session.scalar(_newest()) or FIRST_EDITION


@cache
def _newest() -> Select[str]:
    """Built once: every command asks it."""
    return select(Edition.name).order_by(Edition.year.desc()).limit(1)


def known_editions(session: Session) -> list[str]:
    """Every edition stored, newest first."""
    return list(session.scalars(select(Edition.name).order_by(Edition.year.desc())))


def is_stored(session: Session, name: str) -> bool:
    return session.scalar(select(Edition.id).where(Edition.name == name)) is not None


def ensure_edition(session: Session, name: str, title: str, now: datetime) -> Edition:
    """The edition's row, created the first time a plan of that Assembly is imported."""
    row = session.scalar(select(Edition).where(Edition.name == name))
    if row is None:
        row = Edition(name=name, year=edition_year(name), title=title, created_at=now)
        session.add(row)
    elif title:
        row.title = title
    return row
