"""A meeting as the importers produce it, before it is stored.

Every importer (schedule file, document finder) produces :class:`MeetingDraft`
values; only :mod:`bot.meetings.merge` writes them to the database. Times are
aware datetimes in UTC; ``timezone`` records the zone they were entered in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class MeetingKind(StrEnum):
    IRM = "irm"
    TSAG = "tsag"
    WORKING_PARTY = "working_party"
    RAPPORTEUR_GROUP = "rapporteur_group"
    REGIONAL = "regional"
    WTSA = "wtsa"
    OTHER = "other"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    MeetingKind.IRM: "Inter-regional meeting",
    MeetingKind.TSAG: "TSAG",
    MeetingKind.WORKING_PARTY: "Working party",
    MeetingKind.RAPPORTEUR_GROUP: "Rapporteur group",
    MeetingKind.REGIONAL: "Regional preparatory meeting",
    MeetingKind.WTSA: "WTSA",
    MeetingKind.OTHER: "Other",
}

_KIND_WORDS = {
    "irm": MeetingKind.IRM,
    "inter-regional": MeetingKind.IRM,
    "interregional": MeetingKind.IRM,
    "inter-regional meeting": MeetingKind.IRM,
    "tsag": MeetingKind.TSAG,
    "wp": MeetingKind.WORKING_PARTY,
    "working party": MeetingKind.WORKING_PARTY,
    "working_party": MeetingKind.WORKING_PARTY,
    "working-party": MeetingKind.WORKING_PARTY,
    "rg": MeetingKind.RAPPORTEUR_GROUP,
    "rapporteur group": MeetingKind.RAPPORTEUR_GROUP,
    "rapporteur_group": MeetingKind.RAPPORTEUR_GROUP,
    "rapporteur-group": MeetingKind.RAPPORTEUR_GROUP,
    "regional": MeetingKind.REGIONAL,
    "regional preparatory": MeetingKind.REGIONAL,
    "regional preparatory meeting": MeetingKind.REGIONAL,
    "rpm": MeetingKind.REGIONAL,
    "wtsa": MeetingKind.WTSA,
    "assembly": MeetingKind.WTSA,
    "other": MeetingKind.OTHER,
}

KIND_CHOICES = "irm, tsag, working_party, rapporteur_group, regional, wtsa, other"


def parse_kind(text: str) -> MeetingKind | None:
    """The kind a user or file names (``IRM``, ``working party``, ``rg``...), or None."""
    return _KIND_WORDS.get(" ".join(text.strip().lower().replace("_", " ").split()))


class Mode(StrEnum):
    VIRTUAL = "virtual"
    PHYSICAL = "physical"
    HYBRID = "hybrid"


_MODE_WORDS = {
    "virtual": Mode.VIRTUAL,
    "online": Mode.VIRTUAL,
    "e-meeting": Mode.VIRTUAL,
    "remote": Mode.VIRTUAL,
    "physical": Mode.PHYSICAL,
    "in person": Mode.PHYSICAL,
    "in-person": Mode.PHYSICAL,
    "face-to-face": Mode.PHYSICAL,
    "hybrid": Mode.HYBRID,
}

MODE_CHOICES = "virtual, physical, hybrid"


def parse_mode(text: str) -> Mode | None:
    return _MODE_WORDS.get(" ".join(text.strip().lower().split()))


@dataclass(frozen=True)
class AgendaEntry:
    title: str
    documents: tuple[str, ...] = ()


@dataclass(frozen=True)
class MeetingDraft:
    """One meeting, read from a schedule file or found in a document.

    ``start`` and ``end`` are aware UTC datetimes. An all-day meeting starts at
    local midnight of its first day and ends at local midnight after its last
    day, in ``timezone``. ``deadline`` is the contribution deadline, if any.
    ``evidence`` is the sentence or row the meeting was read from.
    """

    name: str
    kind: MeetingKind
    start: datetime
    end: datetime
    timezone: str
    all_day: bool = False
    mode: Mode | None = None
    place: str = ""
    link: str = ""
    deadline: datetime | None = None
    agenda: tuple[AgendaEntry, ...] = ()
    documents: tuple[str, ...] = ()
    channel: str = ""
    source: str = ""
    evidence: str = ""
    series: str = ""
    uid: str = ""
    """The stored meeting this draft is, whatever its day (a schedule file's ``uid``)."""
    cancelled: bool = False
    """The meeting is called off: the import removes it from the schedule."""
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        for name in ("start", "end", "deadline"):
            value = getattr(self, name)
            if value is not None and (value.tzinfo is None or value.utcoffset() is None):
                raise ValueError(f"MeetingDraft.{name} must be an aware datetime")
        if self.end < self.start:
            raise ValueError("MeetingDraft.end is before its start")


SPACES = re.compile(r"\s+")


def tidy(text: str) -> str:
    return SPACES.sub(" ", text).strip()
