"""Questions in the words of the secretariat, regional coordinators and study-group chairs.

Each row is a question as someone would type it (typos, a space before ``?``,
French-style punctuation, several ids, with or without the mention), what it asks
(the kind of answer, the ids, the meetings, window, body, state or Resolution it
names), and some words its answer must show or must not show, asked on Wednesday
25 March 2026, 11:00 in Geneva, against :data:`SCHEDULE` and :data:`UPDATES` (over
the bundled plan).  A question records nothing, whatever it names.  The table is
meant to grow: add a row, not a test (tests/slack/listeners/test_question_table.py
runs it through the path every question takes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.meetings import questions as ask
from bot.plan.filters import State
from bot.plan.questions import PlanIntent
from bot.store.vocabulary import UpdateKind
from tests.support.common import utc

NOW = datetime(2026, 3, 25, 10, 0, tzinfo=UTC)  # Wednesday 11:00 in Geneva (CET)


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
    kind: str
    """What answers it: a :class:`~bot.plan.questions.PlanIntent` (who acts, a list, a
    Resolution, progress) or a :class:`~bot.meetings.questions.QuestionKind`."""
    kinds: tuple[str, ...] = ()
    window: str | None = None
    """The label of the window the question names, if it should name one."""
    past: bool = False
    body: str = ""
    codes: tuple[str, ...] = ()
    state: State | None = None
    resolution: str | None = None
    shows: tuple[str, ...] = ()
    """Words the answer shows (as plain text)."""
    hides: tuple[str, ...] = ()
    """Words the answer must not show."""


NEXT, LAST = ask.NEXT_MEETING, ask.LAST_MEETING
AGENDA, LINK, DOCUMENTS = ask.MEETING_AGENDA, ask.MEETING_LINK, ask.MEETING_DOCUMENTS
DEADLINES, DUE, MEETINGS, CHANGES = ask.DEADLINES, ask.DUE_AT_NEXT, ask.MEETINGS, ask.CHANGES
STATUS, HELP, UNKNOWN = ask.ITEM_STATUS, ask.HELP, ask.UNKNOWN
WHO, LIST = PlanIntent.WHO_ACTS, PlanIntent.LIST
RESOLUTION, PROGRESS = PlanIntent.RESOLUTION, PlanIntent.PROGRESS
IS_OPEN, IS_DONE, IS_OVERDUE = State.OPEN, State.DONE, State.OVERDUE
IS_NOT_OVERDUE = State.NOT_OVERDUE
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
    Asked(
        "When's the next working party meeting?",
        NEXT,
        ("working_party",),
        shows=(
            "The last one the schedule holds is WP1/TSAG e-meeting",
            "`tsagbot meetings import FILE`",
        ),
    ),
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
    Asked("what is due this week", DEADLINES, window="this week", shows=("Fourth IRM",)),
    Asked("next deadlines", DEADLINES, shows=("TSAG meeting, April 2026", "Fifth IRM")),
    Asked("TSAG deadlines", DEADLINES, ("tsag",), hides=("Fifth IRM",)),
    Asked(
        "deadlnes in the next 10 days",
        DEADLINES,
        window="in the next 10 days",
        shows=("No contribution deadline in the next 10 days",),
    ),
    Asked(
        "deadlines in may",
        DEADLINES,
        window="in May 2026",
        shows=("No contribution deadline in May 2026",),
    ),
    Asked("deadlnes in janury", DEADLINES, window="in January 2027", shows=("Fifth IRM",)),
    Asked("may I ask when the deadlines are?", DEADLINES, shows=("TSAG meeting, April 2026",)),
    Asked("deadlines this month", DEADLINES, window="this month", shows=("Fourth IRM",)),
    Asked("deadlines in April", DEADLINES, window="in April 2026", shows=("TSAG meeting, April",)),
    # what is due at a meeting
    Asked("what is due at the next TSAG?", DUE, ("tsag",), shows=("50-18",)),
    Asked("whats due at the next IRM", DUE, ("irm",), shows=("Fourth IRM",)),
    Asked(
        "what's due at the next meeting?", DUE, shows=("Fourth IRM", "0 open action items are due")
    ),
    # meetings in a window
    Asked("meetings this week", MEETINGS, window="this week", shows=("WP1/TSAG", "Fourth IRM")),
    Asked("what's on next week?", MEETINGS, window="next week", shows=("RG-WM",)),
    Asked("meetings in March 2027", MEETINGS, window="in March 2027", shows=("WTSA-28",)),
    Asked(
        "meetings in the next 30 days",
        MEETINGS,
        window="in the next 30 days",
        shows=("Fourth IRM", "RG-WM", "TSAG meeting, April 2026"),
    ),
    Asked(
        "meetings in the next 5000 days",
        MEETINGS,
        window="in the next 366 days",
        shows=("Meetings in the next 366 days", "Fourth IRM"),
        hides=("Next meetings",),
    ),
    Asked(
        "meetings in the next 100 weeks?",
        MEETINGS,
        window="in the next 366 days",
        shows=("Meetings in the next 366 days",),
    ),
    Asked("meetings in the next 0 days", MEETINGS, window="today", hides=("Next meetings",)),
    Asked("IRMs next week", MEETINGS, ("irm",), window="next week", shows=("No inter-regional",)),
    Asked("upcoming meetings", MEETINGS, shows=("Fourth IRM", "RG-WM")),
    Asked("any meetings tomorrow?", MEETINGS, window="tomorrow", shows=("Fourth IRM",)),
    Asked("meetings in 2027", MEETINGS, window="in 2027", shows=("Fifth IRM", "WTSA-28")),
    Asked(
        "TSAG meetings in April",
        MEETINGS,
        ("tsag",),
        window="in April 2026",
        shows=("TSAG meeting, April 2026",),
    ),
    Asked("what meetings were there last month?", MEETINGS, window="last month", shows=("Third",)),
    Asked(
        "meetings in November",
        MEETINGS,
        window="in November 2026",
        shows=("No meetings in November 2026",),
    ),
    Asked("metings next week", MEETINGS, window="next week", shows=("RG-WM",)),
    # what changed
    Asked(
        "what changed this week?",
        CHANGES,
        window="this week",
        shows=(
            "in the last 7 days (Wed 18 March 2026",
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
    Asked(
        "what changed in Resolution 2 this week?",
        CHANGES,
        window="this week",
        resolution="2",
        shows=("Nothing was recorded in Resolution 2",),
        hides=("50-23", "50-05"),
    ),
    Asked(
        "what changed in res 50 this week ?",
        CHANGES,
        window="this week",
        resolution="50",
        shows=("What changed in Resolution 50", "50-23"),
    ),
    Asked(
        "what changed on 50-18 this week?",
        CHANGES,
        window="this week",
        codes=("50-18",),
        shows=("Nothing was recorded on 50-18",),
        hides=("50-23",),
    ),
    Asked(
        "what changed on 50-23 this week?",
        CHANGES,
        window="this week",
        codes=("50-23",),
        shows=("What changed on 50-23", "open → completed"),
        hides=("50-20", "50-05"),
    ),
    Asked(
        "what has SG2 done this week?",
        CHANGES,
        window="this week",
        body="SG2",
        shows=("Nothing was recorded for SG2",),
        hides=("02-01",),
    ),
    Asked(
        "what has SG17 done this week?",
        CHANGES,
        window="this week",
        body="SG17",
        shows=("What changed for SG17", "50-23"),
    ),
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
        "what changed since 1 February?",
        CHANGES,
        window="since 1 February 2026",
        shows=("50-01", "50-20", "50-23", "Sun 1 February 2026 – Wed 25 March 2026"),
        hides=("50-06",),
    ),
    Asked(
        "anything new since March 23rd",
        CHANGES,
        window="since 23 March 2026",
        shows=("50-20", "50-23"),
        hides=("50-01", "50-06"),
    ),
    Asked(
        "changes since 2026-01-05",
        CHANGES,
        window="since 5 January 2026",
        shows=("50-06", "50-01", "50-23"),
    ),
    Asked(
        "what changed since last week?",
        CHANGES,
        window="since last week",
        shows=("50-20", "50-23"),
        hides=("50-01",),
    ),
    Asked(
        "what changed since December?",
        CHANGES,
        window="since December 2025",
        shows=("50-06", "50-01", "50-23"),
    ),
    Asked(
        "what changed in January?",
        CHANGES,
        window="in January 2026",
        shows=("50-06", "SG17 drafted the process"),
    ),
    Asked(
        "progress since the last TSAG meeting",
        CHANGES,
        ("tsag",),
        past=True,
        shows=("since TSAG meeting, January 2026", "`50-23`"),
    ),
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
    Asked(
        "is 50-18 done?",
        STATUS,
        codes=("50-18",),
        shows=("`50-18`: periodic goals met, not completed",),
    ),
    Asked(
        "is 50-18 done ?",
        STATUS,
        codes=("50-18",),
        shows=("`50-18`: periodic goals met, not completed",),
    ),
    Asked("50.18 and 50-20?", STATUS, codes=("50-18", "50-20"), shows=("`50-18`:", "`50-20`:")),
    Asked("has 50-23 been completed", STATUS, codes=("50-23",), shows=("completed",)),
    # help, and what it cannot answer
    Asked("help", HELP, shows=("I can answer questions",)),
    Asked("what can you do?", HELP, shows=("I can answer questions",)),
    Asked("<@UBOT>", HELP, shows=("I can answer questions",)),
    Asked("thanks!", UNKNOWN, shows=(CANNOT,)),
    Asked("what is the weather in Geneva", UNKNOWN, shows=(CANNOT,)),
    Asked("lunch at 12.30?", UNKNOWN, shows=(CANNOT,)),
    Asked("who won the match yesterday", UNKNOWN, shows=(CANNOT,)),
    # who acts on an item
    Asked(
        "who is responsible for 50-18?",
        WHO,
        codes=("50-18",),
        shows=(
            "SG17, in collaboration with All SGs; reports to TSAG and Council",
            "Resolution 50 (Section I): action by All SGs, SG17, TSB",
        ),
    ),
    Asked("<@U0BOT> who acts on 50-18", WHO, codes=("50-18",), shows=("`50-18`: SG17",)),
    Asked("Who's in charge of 50.18 ?", WHO, codes=("50-18",), shows=("`50-18`: SG17",)),
    Asked(
        "which body acts on 50-18 and 52-03?",
        WHO,
        codes=("50-18", "52-03"),
        shows=("`50-18`: SG17", "`52-03`: SG17; reports to TSAG"),
    ),
    Asked("who should act on res 50 item 18", WHO, codes=("50-18",), shows=("`50-18`: SG17",)),
    Asked("responsible for 97-8?", WHO, codes=("97-08",), shows=("`97-08`: SG11 and SG17",)),
    Asked("owner of 44-14", WHO, codes=("44-14",), shows=("`44-14`: All SGs and TSAG",)),
    Asked("qui est responsable de 50-18 ?", WHO, codes=("50-18",), shows=("`50-18`: SG17",)),
    Asked(
        "who's responsible for 50-18, 50-20 and 2-1 ?",
        WHO,
        codes=("50-18", "50-20", "02-01"),
        shows=("`50-18`: SG17", "`50-20`: TSBDir", "02-01: TSB"),
    ),
    Asked(
        "who is in charge of 99-99?",
        WHO,
        codes=("99-99",),
        shows=("`99-99` is not in the current action plan",),
    ),
    Asked("wich group is responsible for 52-3", WHO, codes=("52-03",), shows=("`52-03`: SG17",)),
    Asked("whos responsable for 50-18", WHO, codes=("50-18",), shows=("`50-18`: SG17",)),
    Asked("whos resposible for 50-18 ?", WHO, codes=("50-18",), shows=("`50-18`: SG17",)),
    Asked("who's reponsible for 52-3", WHO, codes=("52-03",), shows=("`52-03`: SG17",)),
    Asked("whos doing 50-18", WHO, codes=("50-18",), shows=("`50-18`: SG17",)),
    # a body's items, a Resolution's, by state
    Asked(
        "SG17's open actions",
        LIST,
        state=IS_OPEN,
        body="SG17",
        shows=("open action items for SG17", "`50-18`", "`50-05`"),
    ),
    Asked(
        "what does SG17 have open",
        LIST,
        state=IS_OPEN,
        body="SG17",
        shows=("open action items for SG17", "/action open sg17"),
    ),
    Asked(
        "open items for SG 17",
        LIST,
        state=IS_OPEN,
        body="SG17",
        shows=("open action items for SG17",),
    ),
    Asked(
        "what is TSB working on?",
        LIST,
        state=IS_OPEN,
        body="TSB",
        shows=("open action items for TSB", "`01-01` _TSB_", "`01-02` _TSBDir_"),
    ),
    Asked(
        "which items does TSAG have",
        LIST,
        body="TSAG",
        shows=("action items for TSAG", "/action tsag", "`18-01`"),
        hides=("open action items",),
    ),
    # a list without a state word lists all of the body's items, as /action sg17 does
    Asked(
        "list SG 17 actions",
        LIST,
        body="SG17",
        shows=("action items for SG17", "/action sg17", "`50-23`", "`50-05`"),
        hides=("open action items",),
    ),
    # a negated state is its complement, never the list it negates
    Asked(
        "what is not overdue?",
        LIST,
        state=IS_NOT_OVERDUE,
        shows=("open action items not overdue", "/action not overdue"),
        hides=("`01-02`", " overdue action items"),
    ),
    Asked(
        "SG17 items that are not late",
        LIST,
        state=IS_NOT_OVERDUE,
        body="SG17",
        shows=("open action items not overdue for SG17", "`50-05`", "`50-18`"),
        hides=("`52-03`", "`94-02`", "`50-23`"),
    ),
    Asked(
        "which SG17 items are not open?",
        LIST,
        state=IS_DONE,
        body="SG17",
        shows=("1 done action item for SG17", "`50-23`"),
        hides=("`50-05`", "`50-18`"),
    ),
    Asked(
        "which items of res 50 aren't open ?",
        LIST,
        state=IS_DONE,
        resolution="50",
        shows=("done action item of Resolution 50", "`50-23`"),
        hides=("`50-05`",),
    ),
    Asked(
        "what isn't done in res 50",
        LIST,
        state=IS_OPEN,
        resolution="50",
        shows=("open action items of Resolution 50", "`50-05`"),
        hides=("`50-23`",),
    ),
    Asked(
        "SG17 items no longer pending",
        LIST,
        state=IS_DONE,
        body="SG17",
        shows=("done action item for SG17", "`50-23`"),
        hides=("`50-05`",),
    ),
    Asked(
        "which items are not for SG17?",
        UNKNOWN,
        shows=(CANNOT,),
        hides=("action items for SG17",),
    ),
    Asked("items except SG17's", UNKNOWN, shows=(CANNOT,), hides=("action items for SG17",)),
    Asked(
        "pending actions of the TSB Director",
        LIST,
        state=IS_OPEN,
        body="TSBDir",
        shows=("open action items for TSBDir", "`01-02`"),
    ),
    Asked(
        "what has SG17 completed?",
        LIST,
        state=IS_DONE,
        body="SG17",
        shows=("1 done action item for SG17", "`50-23`"),
    ),
    Asked(
        "which items of Resolution 2 are not done?",
        LIST,
        state=IS_OPEN,
        resolution="2",
        shows=("1 open action item of Resolution 2", "`02-02`"),
    ),
    Asked(
        "what's still open in res 50",
        LIST,
        state=IS_OPEN,
        resolution="50",
        shows=("open action items of Resolution 50", "`50-05`"),
    ),
    Asked(
        "which actions of Resolution 50 are completed",
        LIST,
        state=IS_DONE,
        resolution="50",
        shows=("done action item of Resolution 50", "`50-23`"),
    ),
    Asked(
        "items of resolution 52 not yet completed",
        LIST,
        state=IS_OPEN,
        resolution="52",
        shows=("open action items of Resolution 52", "`52-03`"),
    ),
    Asked(
        "outstanding items for BDT",
        LIST,
        state=IS_OPEN,
        body="BDT",
        shows=("open action items for BDT", "`58-01`"),
    ),
    Asked(
        "what's overdue?",
        LIST,
        state=IS_OVERDUE,
        shows=("overdue action items", "`01-02`", "/action overdue"),
    ),
    Asked(
        "overdue for SG17",
        LIST,
        state=IS_OVERDUE,
        body="SG17",
        shows=("2 overdue action items for SG17", "`52-03`", "`94-02`"),
    ),
    Asked(
        "which items are late", LIST, state=IS_OVERDUE, shows=("overdue action items", "`01-02`")
    ),
    Asked(
        "anything past due in Resolution 44?",
        LIST,
        state=IS_OVERDUE,
        resolution="44",
        shows=("overdue action items of Resolution 44", "`44-01`"),
    ),
    Asked(
        "What’s overdue for the TSB?",
        LIST,
        state=IS_OVERDUE,
        body="TSB",
        shows=("overdue action items for TSB", "`01-01`"),
    ),
    Asked(
        "Quelles actions du SG17 sont en retard ? overdue",
        LIST,
        state=IS_OVERDUE,
        body="SG17",
        shows=("overdue action items for SG17", "`52-03`"),
    ),
    Asked(
        "open actions for study group 13 ?",
        LIST,
        state=IS_OPEN,
        body="SG13",
        shows=("open action items for SG13", "`92-04` _SG13_"),
    ),
    Asked(
        "what is still pending for the TSB director",
        LIST,
        state=IS_OPEN,
        body="TSBDir",
        shows=("open action items for TSBDir",),
    ),
    Asked(
        "which items of res 50 are done ?",
        LIST,
        state=IS_DONE,
        resolution="50",
        shows=("1 done action item of Resolution 50", "`50-23`"),
    ),
    Asked(
        "SG 17 overdue items please",
        LIST,
        state=IS_OVERDUE,
        body="SG17",
        shows=("2 overdue action items for SG17",),
    ),
    Asked(
        "what's left to do for Council",
        LIST,
        state=IS_OPEN,
        body="Council",
        shows=("open action item for Council", "`76-18`"),
    ),
    # a Resolution
    Asked(
        "show me Resolution 50",
        RESOLUTION,
        resolution="50",
        shows=("Resolution 50 – Cybersecurity", "`50-18`", "`50-05`"),
    ),
    Asked("Resolution 50", RESOLUTION, resolution="50", shows=("Resolution 50 – Cybersecurity",)),
    Asked(
        "what is in resolution 2?",
        RESOLUTION,
        resolution="2",
        shows=("Resolution 2 – ", "`02-01`", "`02-02`"),
    ),
    Asked(
        "list the items of res 44",
        RESOLUTION,
        resolution="44",
        shows=("Resolution 44 – Bridging the standardization gap", "`44-01`"),
    ),
    Asked(
        "show me res. 52",
        RESOLUTION,
        resolution="52",
        shows=("Resolution 52 – Countering and combating spam", "`52-03`"),
    ),
    Asked(
        "Show me resolution 999",
        RESOLUTION,
        resolution="999",
        shows=("Nothing found for Resolution 999",),
        hides=("I can't answer",),
    ),
    # counts and progress
    Asked(
        "how many items are completed?",
        PROGRESS,
        shows=("Progress of the action plan", "completed (", "overdue"),
    ),
    Asked(
        "progress of Resolution 50",
        PROGRESS,
        resolution="50",
        shows=("Progress of Resolution 50", "action items of Resolution 50"),
    ),
    Asked(
        "how far is Resolution 2?",
        PROGRESS,
        resolution="2",
        shows=("Progress of Resolution 2", "2 action items of Resolution 2", "1 completed (50%)"),
    ),
    Asked(
        "how many open items does SG17 have?",
        PROGRESS,
        body="SG17",
        shows=("Progress for SG17", "action items for SG17"),
    ),
    Asked(
        "how many action items are overdue",
        PROGRESS,
        shows=("overdue (milestone passed, not completed)",),
    ),
    Asked("stats for TSAG", PROGRESS, body="TSAG", shows=("Progress for TSAG",)),
    Asked("how many items does BDT have ?", PROGRESS, body="BDT", shows=("Progress for BDT",)),
    Asked("progress of res 44 ?", PROGRESS, resolution="44", shows=("Progress of Resolution 44",)),
    # more meetings, changes and status, as people type them
    Asked("when is the next TSAG?", NEXT, ("tsag",), shows=("TSAG meeting, April 2026",)),
    Asked("deadlines this week", DEADLINES, window="this week", shows=("Fourth IRM",)),
    Asked("who is on TSAG?", NEXT, ("tsag",), shows=("TSAG meeting, April 2026",)),
    Asked("Bonjour, quand a lieu la prochaine IRM ?", NEXT, ("irm",), shows=("Fourth IRM",)),
    Asked("next IRM : when ?", NEXT, ("irm",), shows=("Fourth IRM", "tomorrow")),
    Asked(
        "what did TSB change this week?",
        CHANGES,
        window="this week",
        body="TSB",
        shows=("What changed for TSB", "`50-20`"),
    ),
    Asked(
        "what did the TSB Director change this week ?",
        CHANGES,
        window="this week",
        body="TSBDir",
        shows=("What changed for TSBDir", "`50-20`"),
        hides=("`50-23`",),
    ),
    Asked(
        "any updates on 50-18 or 50-20?",
        STATUS,
        codes=("50-18", "50-20"),
        shows=("`50-18`: periodic goals met", "`50-20`: periodic goals met"),
    ),
    Asked(
        "50-18 ?", STATUS, codes=("50-18",), shows=("`50-18`: periodic goals met, not completed",)
    ),
    Asked(
        "where are we on 52-03 ?",
        STATUS,
        codes=("52-03",),
        shows=("`52-03`: periodic goals met, not completed",),
    ),
    Asked(
        "status 50-18; 50-23",
        STATUS,
        codes=("50-18", "50-23"),
        shows=("`50-18`:", "`50-23`: completed"),
    ),
    Asked(
        "is 44-08 still in the plan?",
        STATUS,
        codes=("44-08",),
        shows=("`44-08` is obsolete: it is in Appendix",),
        hides=("not in the action plan",),
    ),
    Asked("deadline for the next IRM ?", DEADLINES, ("irm",), shows=("Fifth IRM",)),
    Asked(
        "when is the deadline for contributions to TSAG",
        DEADLINES,
        ("tsag",),
        shows=("TSAG meeting, April 2026", "Wed 8 April 2026"),
    ),
    Asked(
        "what changed this week for SG17 ?",
        CHANGES,
        window="this week",
        body="SG17",
        shows=("What changed for SG17", "`50-23`"),
        hides=("`50-20`",),
    ),
    Asked(
        "« what's overdue for SG 17 ? »", LIST, state=IS_OVERDUE, body="SG17", shows=("`94-02`",)
    ),
    Asked(
        "<@UBOT> how many items of Resolution 50 are done?",
        PROGRESS,
        resolution="50",
        shows=("Progress of Resolution 50",),
    ),
    Asked("combien d'actions overdue ?", LIST, state=IS_OVERDUE, shows=("overdue action items",)),
    Asked(
        "what changed since the last IRM for TSB?",
        CHANGES,
        ("irm",),
        past=True,
        body="TSB",
        shows=("since Third IRM", "`50-20`"),
        hides=("`50-23`",),
    ),
    Asked(
        "is 50-18 done or not?", STATUS, codes=("50-18",), shows=("`50-18`: periodic goals met",)
    ),
    Asked("when was the last TSAG meeting held ?", LAST, ("tsag",), past=True, shows=("January",)),
    Asked(
        "who acts on 44-08?",
        WHO,
        codes=("44-08",),
        shows=("`44-08`: TSBDir", "Obsolete: in Appendix II (WTSA-12), not in the current"),
    ),
    Asked("who acts on 99-99?", WHO, codes=("99-99",), shows=("`99-99` is not in the current",)),
]
