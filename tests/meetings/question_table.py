"""Questions in the words of the secretariat, regional coordinators and study-group chairs.

Each row is a question as someone would type it (typos, a space before ``?``,
French-style punctuation, with or without the mention), what it asks, and some
words its answer must show or must not show, asked on Wednesday 25 March 2026,
11:00 in Geneva, against :data:`SCHEDULE` and :data:`UPDATES` (over the bundled
plan).  The table is meant to grow: add a row, not a test.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.meetings import questions as ask
from bot.meetings.questions import QuestionKind
from bot.store.vocabulary import UpdateKind

NOW = datetime(2026, 3, 25, 10, 0, tzinfo=UTC)  # Wednesday 11:00 in Geneva (CET)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@dataclass(frozen=True)
class ScheduledMeeting:
    uid: str
    name: str
    kind: str
    start: datetime
    end: datetime
    link: str = ""
    deadline: datetime | None = None
    agenda: tuple[tuple[str, tuple[str, ...]], ...] = ()
    documents: tuple[str, ...] = ()


SCHEDULE = [
    ScheduledMeeting(
        "tsag-jan",
        "TSAG meeting, January 2026",
        "tsag",
        utc(2026, 1, 19, 8),
        utc(2026, 1, 23, 16),
        agenda=(("Opening", ()), ("Action plan for WTSA-24", ("TSAG-TD206",))),
        documents=("TSAG-TD100",),
    ),
    ScheduledMeeting(
        "irm-3",
        "Third IRM",
        "irm",
        utc(2026, 2, 10, 12),
        utc(2026, 2, 10, 15),
        link="https://www.itu.int/irm3",
        agenda=(("Regional positions", ("IRM-3/01",)),),
    ),
    ScheduledMeeting(
        "wp", "WP1/TSAG e-meeting", "working_party", utc(2026, 3, 23, 8), utc(2026, 3, 23, 9)
    ),
    ScheduledMeeting(
        "irm-4",
        "Fourth IRM",
        "irm",
        utc(2026, 3, 26, 12),
        utc(2026, 3, 26, 15),
        link="https://www.itu.int/irm4",
        deadline=utc(2026, 3, 24, 22, 59),
        agenda=(("Opening", ()), ("Preparations for TSAG", ("TD 553R2",))),
    ),
    ScheduledMeeting(
        "rg", "RG-WM e-meeting", "rapporteur_group", utc(2026, 4, 2, 7), utc(2026, 4, 2, 9)
    ),
    ScheduledMeeting(
        "tsag-apr",
        "TSAG meeting, April 2026",
        "tsag",
        utc(2026, 4, 20, 7),
        utc(2026, 4, 24, 15),
        deadline=utc(2026, 4, 8, 21, 59),  # the end of 8 April in Geneva
    ),
    ScheduledMeeting(
        "irm-5",
        "Fifth IRM",
        "irm",
        utc(2027, 1, 14, 12),
        utc(2027, 1, 14, 15),
        deadline=utc(2027, 1, 7, 22, 59),
    ),
    ScheduledMeeting("wtsa", "WTSA-28", "wtsa", utc(2027, 3, 8, 7), utc(2027, 3, 18, 17)),
]

OPEN = {"completed": False, "periodic_goals_met": False}
DONE = {"completed": True, "periodic_goals_met": False}
PERIODIC = {"completed": False, "periodic_goals_met": True}


@dataclass(frozen=True)
class RecordedUpdate:
    """A row of an item's history; ``previous`` is the state before it."""

    code: str
    kind: UpdateKind
    at: datetime
    previous: dict[str, bool]
    text: str = ""
    retracted: bool = False


UPDATES = [
    RecordedUpdate("50-06", UpdateKind.NOTE, utc(2026, 1, 10, 9), OPEN, "SG17 drafted the process"),
    RecordedUpdate("50-01", UpdateKind.NOTE, utc(2026, 2, 1, 9), OPEN, "TSB gave it priority"),
    RecordedUpdate(
        "50-20", UpdateKind.NOTE, utc(2026, 3, 23, 9), PERIODIC, "liaison sent, TSAG-TD300"
    ),
    RecordedUpdate("50-05", UpdateKind.COMPLETED, utc(2026, 3, 23, 10), OPEN),
    RecordedUpdate("50-05", UpdateKind.REOPENED, utc(2026, 3, 24, 8), DONE),
    RecordedUpdate("50-23", UpdateKind.COMPLETED, utc(2026, 3, 24, 10), OPEN),
    RecordedUpdate(
        "50-22", UpdateKind.NOTE, utc(2026, 3, 24, 11), OPEN, "wrong item", retracted=True
    ),
]
FINAL_FLAGS = {"50-23": DONE, "50-05": OPEN}
"""The items' flags once :data:`UPDATES` are recorded (the others' are the plan's)."""


@dataclass(frozen=True)
class Asked:
    text: str
    kind: QuestionKind
    kinds: tuple[str, ...] = ()
    window: str | None = None
    """The label of the window the question names, if it should name one."""
    past: bool = False
    body: str = ""
    codes: tuple[str, ...] = ()
    shows: tuple[str, ...] = ()
    """Words the answer shows (as plain text)."""
    hides: tuple[str, ...] = ()
    """Words the answer must not show."""


NEXT, LAST = ask.NEXT_MEETING, ask.LAST_MEETING
AGENDA, LINK, DOCUMENTS = ask.MEETING_AGENDA, ask.MEETING_LINK, ask.MEETING_DOCUMENTS
DEADLINES, DUE, MEETINGS, CHANGES = ask.DEADLINES, ask.DUE_AT_NEXT, ask.MEETINGS, ask.CHANGES
STATUS, HELP, UNKNOWN = ask.ITEM_STATUS, ask.HELP, ask.UNKNOWN
CANNOT = "I can't answer that yet."

QUESTIONS: list[Asked] = [
    # the next meeting
    Asked("when is the next IRM?", NEXT, ("irm",), shows=("Fourth IRM",)),
    Asked("when is the next IRM ?", NEXT, ("irm",), shows=("Fourth IRM",)),
    Asked("<@UBOT> When is the next IRM ?!", NEXT, ("irm",), shows=("Fourth IRM",)),
    Asked("quand est la prochaine IRM ?", NEXT, ("irm",), shows=("Fourth IRM",)),
    Asked("« when is the next TSAG ? »", NEXT, ("tsag",), shows=("TSAG meeting, April 2026",)),
    Asked("wehn is the next irm", NEXT, ("irm",), shows=("Fourth IRM",)),
    Asked("whens the next TSAG", NEXT, ("tsag",), hides=("January",)),
    Asked("next tsga meeting", NEXT, ("tsag",), shows=("TSAG meeting, April 2026",)),
    Asked("next WTSA", NEXT, ("wtsa",), shows=("WTSA-28",)),
    Asked("when do we meet next?", NEXT, shows=("Fourth IRM",)),
    Asked("next inter-regional meeting please", NEXT, ("irm",), shows=("Fourth IRM",)),
    Asked("is there a TSAG meeting coming up?", NEXT, ("tsag",), shows=("April 2026",)),
    Asked("When's the next working party meeting?", NEXT, ("working_party",)),
    Asked("next rapporteur group meeting", NEXT, ("rapporteur_group",), shows=("RG-WM",)),
    Asked("Next meeting?", NEXT, shows=("Fourth IRM",)),
    # the last one
    Asked("when was the last IRM?", LAST, ("irm",), past=True, shows=("Third IRM",)),
    Asked("last TSAG", LAST, ("tsag",), past=True, shows=("TSAG meeting, January 2026",)),
    Asked("When was the previous TSAG meeting?", LAST, ("tsag",), past=True, shows=("January",)),
    Asked("most recent IRM", LAST, ("irm",), past=True, shows=("Third IRM",)),
    Asked(
        "when did the last inter-regional meeting take place?",
        LAST,
        ("irm",),
        past=True,
        shows=("Third IRM",),
    ),
    Asked("wen was the last irm ?", LAST, ("irm",), past=True, hides=("Fourth",)),
    Asked("latest WTSA", LAST, ("wtsa",), past=True, shows=("No WTSA meeting before now",)),
    # a meeting's agenda, join link and documents
    Asked("agenda of the next IRM", AGENDA, ("irm",), shows=("Preparations for TSAG", "TD 553R2")),
    Asked(
        "what was on the agenda of the last TSAG?",
        AGENDA,
        ("tsag",),
        past=True,
        shows=("Action plan for WTSA-24", "TSAG-TD206"),
    ),
    Asked("what's on the agenda for the IRM?", AGENDA, ("irm",), shows=("Fourth IRM",)),
    Asked("agnda of next tsag", AGENDA, ("tsag",), shows=("No agenda is recorded",)),
    Asked("show me the agenda of the last meeting", AGENDA, past=True, shows=("WP1/TSAG",)),
    Asked("link to join the IRM?", LINK, ("irm",), shows=("https://www.itu.int/irm4",)),
    Asked("how do I join the next TSAG?", LINK, ("tsag",), shows=("No join link is recorded",)),
    Asked("zoom link for the IRM", LINK, ("irm",), shows=("https://www.itu.int/irm4",)),
    Asked("what was the link of the last IRM", LINK, ("irm",), past=True, shows=("irm3",)),
    Asked("what's the link for the next meeting?", LINK, shows=("irm4",)),
    Asked(
        "documents of the last TSAG",
        DOCUMENTS,
        ("tsag",),
        past=True,
        shows=("TSAG-TD100", "TSAG-TD206"),
    ),
    Asked("which documents are for the next IRM?", DOCUMENTS, ("irm",), shows=("TD 553R2",)),
    Asked("docs for the TSAG meeting", DOCUMENTS, ("tsag",), shows=("No documents",)),
    # contribution deadlines
    Asked("which deadlines are this week?", DEADLINES, window="this week", shows=("Fourth IRM",)),
    Asked(
        "deadlines in January?",
        DEADLINES,
        window="in January 2027",
        shows=("Fifth IRM",),
        hides=("April",),
    ),
    Asked("deadlines in March 2027", DEADLINES, window="in March 2027", shows=("No contribution",)),
    Asked("any deadlines next week ?", DEADLINES, window="next week", shows=("No contribution",)),
    Asked(
        "contribution deadlines within the next 2 weeks",
        DEADLINES,
        window="in the next 2 weeks",
        shows=("TSAG meeting, April 2026", "Wed 8 April 2026"),
    ),
    Asked("what is due this week", DEADLINES, window="this week"),
    Asked("next deadlines", DEADLINES, shows=("TSAG meeting, April 2026", "Fifth IRM")),
    Asked("TSAG deadlines", DEADLINES, ("tsag",), hides=("Fifth IRM",)),
    Asked("deadlnes in the next 10 days", DEADLINES, window="in the next 10 days"),
    Asked("deadlines in may", DEADLINES, window="in May 2026"),
    Asked("deadlnes in janury", DEADLINES, window="in January 2027", shows=("Fifth IRM",)),
    Asked("may I ask when the deadlines are?", DEADLINES, shows=("TSAG meeting, April 2026",)),
    Asked("deadlines this month", DEADLINES, window="this month", shows=("Fourth IRM",)),
    Asked("deadlines in April", DEADLINES, window="in April 2026", shows=("TSAG meeting, April",)),
    # what is due at a meeting
    Asked("what is due at the next TSAG?", DUE, ("tsag",), shows=("50-18",)),
    Asked("whats due at the next IRM", DUE, ("irm",), shows=("Fourth IRM",)),
    Asked("what's due at the next meeting?", DUE),
    # meetings in a window
    Asked("meetings this week", MEETINGS, window="this week", shows=("WP1/TSAG", "Fourth IRM")),
    Asked("what's on next week?", MEETINGS, window="next week", shows=("RG-WM",)),
    Asked("meetings in March 2027", MEETINGS, window="in March 2027", shows=("WTSA-28",)),
    Asked("meetings in the next 30 days", MEETINGS, window="in the next 30 days"),
    Asked("IRMs next week", MEETINGS, ("irm",), window="next week", shows=("No inter-regional",)),
    Asked("upcoming meetings", MEETINGS, shows=("Fourth IRM", "RG-WM")),
    Asked("any meetings tomorrow?", MEETINGS, window="tomorrow", shows=("Fourth IRM",)),
    Asked("meetings in 2027", MEETINGS, window="in 2027", shows=("Fifth IRM", "WTSA-28")),
    Asked("TSAG meetings in April", MEETINGS, ("tsag",), window="in April 2026"),
    Asked("what meetings were there last month?", MEETINGS, window="last month", shows=("Third",)),
    Asked("meetings in November", MEETINGS, window="in November 2026"),
    Asked("metings next week", MEETINGS, window="next week", shows=("RG-WM",)),
    # what changed
    Asked(
        "what changed this week?",
        CHANGES,
        window="this week",
        shows=(
            "`50-23` (Resolution 50): open → completed",
            "`50-20` (Resolution 50): still periodic goals met, not completed; “liaison sent",
            "`50-05` (Resolution 50): still open (changed, then changed back)",
        ),
        hides=("wrong item", "50-22", "50-01"),
    ),
    Asked(
        "what changed since the last TSAG?",
        CHANGES,
        ("tsag",),
        past=True,
        shows=("50-01", "TSB gave it priority", "50-23"),
        hides=("50-06",),
    ),
    Asked(
        "what did SG17 change this week?",
        CHANGES,
        window="this week",
        body="SG17",
        shows=("50-23", "50-05"),
        hides=("50-20",),
    ),
    Asked("what's new?", CHANGES, shows=("in the last 7 days", "50-23")),
    Asked("what changed since the last IRM ?", CHANGES, ("irm",), past=True, shows=("50-20",)),
    Asked("any updates this month?", CHANGES, window="this month", shows=("50-23",)),
    Asked(
        "what has changed in SG 17 since last TSAG",
        CHANGES,
        ("tsag",),
        past=True,
        body="SG17",
        hides=("50-01",),
    ),
    Asked(
        "what changed since Monday?",
        CHANGES,
        window="since Monday",
        shows=("50-20", "50-23"),
        hides=("50-01",),
    ),
    Asked("anything updated since yesterday", CHANGES, window="since yesterday", shows=("50-23",)),
    Asked("chnaged last week", CHANGES, window="last week", shows=("Nothing was recorded",)),
    Asked(
        "what changed in January?",
        CHANGES,
        window="in January 2026",
        shows=("50-06", "SG17 drafted the process"),
    ),
    Asked("progress since the last TSAG meeting", CHANGES, ("tsag",), past=True),
    Asked("chnaged since teh last TSAG", CHANGES, ("tsag",), past=True, shows=("50-01",)),
    Asked(
        "what changed since the last TSAG for SG17?",
        CHANGES,
        ("tsag",),
        past=True,
        body="SG17",
        shows=("50-23",),
        hides=("50-01",),
    ),
    # an item's status
    Asked("status of 50-18", STATUS, codes=("50-18",), shows=("periodic goals met",)),
    Asked("is 50-18 done?", STATUS, codes=("50-18",)),
    Asked("is 50-18 done ?", STATUS, codes=("50-18",)),
    Asked("50.18 and 50-20?", STATUS, codes=("50-18", "50-20")),
    Asked("has 50-23 been completed", STATUS, codes=("50-23",), shows=("completed",)),
    # help, and what it cannot answer
    Asked("help", HELP, shows=("I can answer questions",)),
    Asked("what can you do?", HELP),
    Asked("<@UBOT>", HELP),
    Asked("thanks!", UNKNOWN, shows=(CANNOT,)),
    Asked("what is the weather in Geneva", UNKNOWN, shows=(CANNOT,)),
    Asked("lunch at 12.30?", UNKNOWN, shows=(CANNOT,)),
    Asked("who won the match yesterday", UNKNOWN, shows=(CANNOT,)),
]
