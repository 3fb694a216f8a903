"""From the schedule's answers to the inputs of the ``meetings_*`` templates.

Times are given in Geneva time (the settings' zone) and, for the reader whose
Slack profile names another zone, in theirs too: the one who ran ``/meetings``,
or who asked the question a thread answer answers.  A view posted for the whole
channel ("Post in channel") has no single reader: there a ``<!date^...>`` token
stands in, which Slack shows in each reader's own zone.

Lists are paged (:data:`bot.meetings.questions.PAGE_SIZE` meetings a page) and long texts are
split and clipped, so that every reply keeps within Slack's 50 blocks and 3000
characters a text whatever the schedule holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.meetings import display
from bot.meetings import questions as ask
from bot.meetings.queries import DueItem
from bot.meetings.questions import Answer, ItemStatus, Question, Window
from bot.plan.changes import ItemChange
from bot.render import (
    CHUNK,
    Mrkdwn,
    Renderer,
    Reply,
    ViewKind,
    channel_link,
    chunk_lines,
    clip,
    count,
    escape,
    link,
    mrkdwn,
    one_line,
    post_button,
    shared,
    spec,
)
from bot.store.models import Meeting

SHOW_BUTTON = "meetings_show"
POST_BUTTON = "meetings_post"
PAGE_BUTTON = "meetings_page"
DUE_SHOWN = 15
"""Action items listed under a meeting; the rest are counted."""
ROWS_SHOWN = 10
"""Meetings (and deadlines) one list shows at most, whatever it is given: a section each."""
AGENDA_CHUNKS = 4
NAME_LIMIT = 200
CHANGES_SHOWN = 30
"""Items a "what changed" answer lists; the rest are counted."""
CHANGE_CHUNKS = 8
CHANGES_CUT = "_…and more than this message can hold._ `/action ID` shows an item's history."
NOTES_SHOWN = 2
"""The latest notes a "what changed" line quotes for an item; the earlier are counted."""
CANNOT_ANSWER = "I can't answer that yet. The closest questions I can answer:"
MENTION_HELP = (
    "I can answer questions about the meeting schedule and the action plan, such as "
    "`@tsagbot when is the next IRM?`, `@tsagbot when was the last TSAG?`, "
    "`@tsagbot what is due at the next TSAG?`, `@tsagbot status of 50-18`, "
    "`@tsagbot which deadlines are this week?`, `@tsagbot meetings in March`, "
    "`@tsagbot agenda of the next IRM` or `@tsagbot what changed this week?`. "
    "`/meetings help` and `/action help` show more."
)


@dataclass(frozen=True)
class Audience:
    """Who reads a reply: one person (``reader`` is their zone, if known) or everyone.

    ``private`` replies get the "Post in channel" and "More" buttons; ``command``
    is the ``/meetings`` text the reply answers, which those buttons carry, or None
    for a question asked by mentioning the bot.
    """

    reader: ZoneInfo | None = None
    private: bool = True
    command: str | None = None
    shared_by: str | None = None
    note: str = ""
    """A word of warning above the reply."""


class MeetingViews:
    """Builds the replies of ``/meetings`` and of questions; templates hold the layout."""

    def __init__(
        self,
        renderer: Renderer,
        tz: ZoneInfo,
        now: datetime,
        *,
        public_url: str = "",
        command: str = "/meetings",
    ) -> None:
        self.renderer = renderer
        self.tz = tz
        self.now = now
        self.public_url = public_url
        self.command = command

    # -- pieces ----------------------------------------------------------------------------

    def calendar_link(self) -> Mrkdwn:
        if self.public_url:
            return link(f"{self.public_url}/calendar.ics", "Calendar feed")
        return Mrkdwn("Calendar feed: `/calendar.ics` on the bot's server")

    def footer(self, audience: Audience, extra: str = "") -> Mrkdwn:
        parts = [
            f"Times in {display.zone_label(self.tz)}",
            extra,
            f"`{self.command} help`",
            self.calendar_link(),
        ]
        return shared(Mrkdwn(" · ").join(part for part in parts if part), audience.shared_by)

    def reader_line(
        self, moment: datetime, meeting: Meeting | None, reader: ZoneInfo | None
    ) -> Mrkdwn:
        """The reader's own time: their zone's text, or Slack's token for everyone."""
        if meeting is not None and meeting.all_day:
            return Mrkdwn()
        if reader is None:
            return mrkdwn("Your time: {}", display.slack_time(moment, self.tz))
        if meeting is not None:
            text = display.reader_text(meeting, self.tz, reader)
        elif moment.astimezone(reader).utcoffset() != moment.astimezone(self.tz).utcoffset():
            text = display.deadline_text(moment, reader)
        else:
            text = ""
        return mrkdwn("_{}_", text) if text else Mrkdwn()

    def meeting_text(self, meeting: Meeting, reader: ZoneInfo | None) -> Mrkdwn:
        lines = [
            mrkdwn(
                "*{}* · {}", one_line(meeting.name, NAME_LIMIT), display.kind_label(meeting.kind)
            ),
            mrkdwn("{} · {}", display.when_text(meeting, self.tz), self._until(meeting)),
        ]
        own = self.reader_line(meeting.start, meeting, reader)
        if own:
            lines.append(own)
        return Mrkdwn("\n").join(lines)

    def _until(self, meeting: Meeting) -> str:
        if meeting.start <= self.now < meeting.end:
            return "on now"
        if meeting.end <= self.now:
            return "over"
        return display.until_text(meeting.start, self.now, self.tz)

    def deadline_text(self, meeting: Meeting, reader: ZoneInfo | None) -> Mrkdwn:
        assert meeting.deadline is not None
        deadline = meeting.deadline
        when = display.deadline_text(deadline, self.tz)
        left = "passed" if deadline <= self.now else display.until_text(deadline, self.now, self.tz)
        lines = [
            mrkdwn("*{}* · {}", when, left),
            mrkdwn(
                "Contributions to *{}* ({})",
                one_line(meeting.name, NAME_LIMIT),
                display.kind_label(meeting.kind),
            ),
        ]
        own = self.reader_line(deadline, None, reader)
        if own:
            lines.append(own)
        return Mrkdwn("\n").join(lines)

    def span_text(self, window: Window) -> str:
        first = window.start.astimezone(self.tz)
        last = (window.end - timedelta(microseconds=1)).astimezone(self.tz)
        if first.date() == last.date():
            return display.day_text(first, self.tz)
        return f"{display.day_text(first, self.tz)} – {display.day_text(last, self.tz)}"

    def _rows(self, meetings: list[Meeting], audience: Audience) -> list[dict[str, str]]:
        return [
            {"text": self.meeting_text(m, audience.reader), "uid": m.uid}
            for m in meetings[:ROWS_SHOWN]
        ]

    def _deadline_rows(self, meetings: list[Meeting], audience: Audience) -> list[dict[str, str]]:
        return [
            {"text": self.deadline_text(m, audience.reader), "uid": m.uid}
            for m in meetings[:ROWS_SHOWN]
            if m.deadline is not None
        ]

    def _buttons(self, answer: Answer, audience: Audience) -> list[dict[str, Any]]:
        """The buttons of a private reply to a command: "More" and "Post in channel".

        A button carries the command's text, and Slack takes 2000 characters there:
        a longer command gets no buttons."""
        command = audience.command
        if (
            not audience.private
            or command is None
            or len(spec(ViewKind.MEETINGS, command, 99)) > 1900
        ):
            return []
        found = []
        if answer.more:
            found.append(
                {
                    "label": f"More (page {answer.page + 1})",
                    "action_id": PAGE_BUTTON,
                    "value": spec(ViewKind.MEETINGS, command, answer.page + 1),
                    "style": None,
                }
            )
        found.append(post_button(POST_BUTTON, spec(ViewKind.MEETINGS, command, answer.page)))
        return found

    def _more(self, answer: Answer, audience: Audience) -> list[str]:
        """Where the rest of a list is, when this reply has no "More" button."""
        cut = max(len(answer.meetings), len(answer.deadlines)) > ROWS_SHOWN
        if not cut and (not answer.more or self._buttons(answer, audience)):
            return []
        return [f"_…and more: `{self.command}` pages through the whole list._"]

    def _list(self, view: dict[str, Any], text: str, audience: Audience) -> Reply:
        full = {
            "note": audience.note,
            "header": "",
            "intro": "",
            "meetings": [],
            "deadlines_title": "",
            "deadlines": [],
            "notes": [],
            "buttons": [],
            **view,
        }
        full["header"] = clip(full["header"], 150)
        for key in ("note", "intro", "deadlines_title"):
            full[key] = clip(escape(full[key]), CHUNK)
        for row in [*full["meetings"], *full["deadlines"]]:
            row["text"] = clip(escape(row["text"]), CHUNK)
        return Reply(self.renderer.blocks("meetings_list.json.j2", view=full), one_line(text, 150))

    # -- replies ---------------------------------------------------------------------------

    def for_answer(self, answer: Answer, audience: Audience) -> Reply:
        kind = answer.question.kind
        if kind == ask.ITEM_STATUS:
            return self.item_status(answer.items, audience)
        if kind == ask.HELP and audience.command is not None:
            return self.help(audience)
        if kind == ask.UNKNOWN and audience.command is not None:
            return self.unknown_command(answer.question)
        if kind == ask.UNKNOWN and answer.examples:
            return self.suggestions(answer, audience)
        view = {
            ask.OVERVIEW: self.overview,
            ask.NEXT_MEETING: self.next_meeting,
            ask.LAST_MEETING: self.last_meeting,
            ask.MEETING_LINK: self.about_a_meeting,
            ask.MEETING_AGENDA: self.about_a_meeting,
            ask.MEETING_DOCUMENTS: self.about_a_meeting,
            ask.DUE_AT_NEXT: self.due_at_next,
            ask.DEADLINES: self.deadlines,
            ask.MEETINGS: self.meetings,
            ask.CHANGES: self.changes,
        }.get(kind)
        return view(answer, audience) if view is not None else self.mention_help(audience)

    def nothing_ahead(self, answer: Answer, said: str) -> Mrkdwn:
        """``said`` ("No IRM is in the schedule from now on."), then when the last one was
        and how a newer schedule comes in."""
        last = answer.last_known
        if last is None:
            return mrkdwn(
                "{} The schedule holds no meeting before now either. A schedule is imported "
                "with `tsagbot meetings import FILE`.",
                said,
            )
        kinds = {kind.value for kind in answer.question.kinds}
        lead = (
            "The schedule holds none before now either; its last meeting is"
            if kinds and last.kind not in kinds
            else "The last one the schedule holds is"
        )
        return mrkdwn(
            "{} {} *{}*, {}. A newer schedule is imported with `tsagbot meetings import FILE`.",
            said,
            lead,
            one_line(last.name, NAME_LIMIT),
            display.when_text(last, self.tz),
        )

    def overview(self, answer: Answer, audience: Audience) -> Reply:
        kinds = answer.question.kinds
        header = f"Next {ask.kind_noun(kinds, plural=True)}"
        if answer.page > 1:
            header += f" (page {answer.page})"
        view: dict[str, Any] = {
            "header": header,
            "meetings": self._rows(answer.meetings, audience),
            "footer": self.footer(audience),
            "buttons": self._buttons(answer, audience),
        }
        if not answer.meetings:
            said = f"No {ask.kind_noun(kinds)} is in the schedule from now on."
            view["intro"] = self.nothing_ahead(answer, said)
        if answer.page == 1:
            view["deadlines_title"] = "*Contribution deadlines*" + (
                "" if answer.deadlines else "\n_None ahead._"
            )
            view["deadlines"] = self._deadline_rows(answer.deadlines, audience)
        text = f"{header}: {len(answer.meetings)}" if answer.meetings else str(view["intro"])
        return self._list(view, text, audience)

    def next_meeting(self, answer: Answer, audience: Audience) -> Reply:
        noun = ask.kind_noun(answer.question.kinds)
        if not answer.meetings:
            return self.none_ahead(answer, f"No {noun} is in the schedule from now on.", audience)
        meeting = answer.meetings[0]
        view = {
            "intro": f"The next {noun}:",
            "meetings": self._rows([meeting], audience),
            "footer": self.footer(audience),
            "buttons": self._buttons(answer, audience),
        }
        when = display.when_text(meeting, self.tz)
        return self._list(view, f"The next {noun}: {meeting.name}, {when}", audience)

    def due_lines(self, due: list[DueItem]) -> list[Mrkdwn]:
        """The items due at a meeting, as chunks of lines; the ones past the limit counted."""
        lines = [
            mrkdwn(
                "• `{}` {} _({})_",
                item.code,
                one_line(item.action, 110),
                one_line(display.milestone_text(item.milestone), 60),
            )
            for item in due[:DUE_SHOWN]
        ]
        if len(due) > DUE_SHOWN:
            lines.append(
                Mrkdwn(
                    f"…and {len(due) - DUE_SHOWN} more. `/action ID` shows one item and its "
                    "milestone."
                )
            )
        return chunk_lines(lines) or [
            Mrkdwn("_No open action item names this meeting in its milestone._")
        ]

    def due_at_next(self, answer: Answer, audience: Audience) -> Reply:
        noun = ask.kind_noun(answer.question.kinds)
        if not answer.meetings:
            return self.none_ahead(answer, f"No {noun} is in the schedule from now on.", audience)
        meeting = answer.meetings[0]
        due = len(answer.due)
        title = f"*Open action items due at this meeting* ({due})"
        chunks = self.due_lines(answer.due)
        view = {
            "intro": f"The next {noun}:",
            "meetings": self._rows([meeting], audience),
            "notes": [mrkdwn("{}\n{}", title, chunks[0]), *chunks[1:]],
            "footer": self.footer(audience),
            "buttons": self._buttons(answer, audience),
        }
        text = f"{count(due, 'open action item is', 'open action items are')} due at {meeting.name}"
        return self._list(view, text, audience)

    def item_status(self, items: list[ItemStatus], audience: Audience) -> Reply:
        chunks = chunk_lines(item_status_lines(items))[:10]
        codes = " ".join(item.code for item in items if item.found)
        hint = f"`/action {items[0].code}` shows the item's card" if codes else ""
        view = {"notes": chunks, "footer": self.footer(audience, hint)}
        plain = "; ".join(
            f"{i.code}: {i.state}"
            if i.found
            else f"{i.code} is obsolete"
            if i.obsolete
            else f"{i.code} is not in the action plan"
            for i in items
        )
        return self._list(view, plain, audience)

    def deadlines(self, answer: Answer, audience: Audience) -> Reply:
        question = answer.question
        kinds = question.kinds
        about = f" for {ask.kind_noun(kinds, plural=True)}" if kinds else ""
        if question.window is not None:
            window = question.window
            intro = mrkdwn(
                "*Contribution deadlines{} {}* ({})", about, window.label, self.span_text(window)
            )
            none = f"No contribution deadline{about} {window.label}."
        else:
            intro = Mrkdwn(f"*Next contribution deadlines{about}*")
            none = self.nothing_ahead(answer, f"No contribution deadline{about} is ahead.")
        if answer.page > 1:
            intro += f", page {answer.page}"
        view = {
            "intro": intro if answer.deadlines else none,
            "meetings": self._deadline_rows(answer.deadlines, audience),
            "notes": self._more(answer, audience),
            "footer": self.footer(audience),
            "buttons": self._buttons(answer, audience),
        }
        deadlines = len(answer.deadlines)
        text = count(deadlines, "contribution deadline") if deadlines else none
        return self._list(view, text, audience)

    def meetings(self, answer: Answer, audience: Audience) -> Reply:
        question = answer.question
        noun = ask.kind_noun(question.kinds, plural=True)
        if question.window is not None:
            window = question.window
            intro = mrkdwn(
                "*{}{} {}* ({})", noun[:1].upper(), noun[1:], window.label, self.span_text(window)
            )
            none = f"No {noun} {window.label}."
        else:
            intro = Mrkdwn(f"*Next {noun}*")
            none = self.nothing_ahead(answer, f"No {noun} are in the schedule from now on.")
        if answer.page > 1:
            intro += f", page {answer.page}"
        view = {
            "intro": intro if answer.meetings else none,
            "meetings": self._rows(answer.meetings, audience),
            "notes": self._more(answer, audience),
            "footer": self.footer(audience),
            "buttons": self._buttons(answer, audience),
        }
        found = len(answer.meetings)
        text = count(found, ask.kind_noun(question.kinds), noun) if found else none
        return self._list(view, text, audience)

    def none_ahead(self, answer: Answer, said: str, audience: Audience) -> Reply:
        intro = self.nothing_ahead(answer, said)
        return self._list({"intro": intro, "footer": self.footer(audience)}, said, audience)

    def last_meeting(self, answer: Answer, audience: Audience) -> Reply:
        noun = ask.kind_noun(answer.question.kinds)
        if not answer.meetings:
            text = f"No {noun} before now is in the schedule."
            return self._list({"intro": text, "footer": self.footer(audience)}, text, audience)
        meeting = answer.meetings[0]
        view = {
            "intro": f"The last {noun}:",
            "meetings": self._rows([meeting], audience),
            "footer": self.footer(audience),
        }
        when = display.when_text(meeting, self.tz)
        return self._list(view, f"The last {noun}: {meeting.name}, {when}", audience)

    def about_a_meeting(self, answer: Answer, audience: Audience) -> Reply:
        """A meeting's join link, agenda or documents: the meeting, then what was asked."""
        question = answer.question
        noun = ask.kind_noun(question.kinds)
        which = "last" if question.past else "next"
        if not answer.meetings:
            if question.past:
                text = f"No {noun} before now is in the schedule."
                return self._list({"intro": text, "footer": self.footer(audience)}, text, audience)
            return self.none_ahead(answer, f"No {noun} is in the schedule from now on.", audience)
        meeting = answer.meetings[0]
        what, notes = {
            ask.MEETING_LINK: ("join link", self._link_notes),
            ask.MEETING_AGENDA: ("agenda", self._agenda_notes),
            ask.MEETING_DOCUMENTS: ("documents", self._document_notes),
        }[question.kind]
        view = {
            "intro": f"The {what} of the {which} {noun}:",
            "meetings": self._rows([meeting], audience),
            "notes": notes(meeting),
            "footer": self.footer(audience),
        }
        return self._list(view, f"The {what} of {meeting.name}", audience)

    def _link_notes(self, meeting: Meeting) -> list[Mrkdwn]:
        if meeting.link:
            return [clip(mrkdwn("*Join:* ") + link(meeting.link), CHUNK)]
        where = display.mode_text(meeting)
        if where:
            return [mrkdwn("_No join link is recorded for this meeting ({})._", clip(where, 300))]
        return [Mrkdwn("_No join link is recorded for this meeting._")]

    def _agenda_notes(self, meeting: Meeting) -> list[Mrkdwn]:
        agenda = [
            mrkdwn("{}. {}", number, one_line(item.title, 400))
            + (mrkdwn(" ({})", self.renderer.links.join(item.documents)) if item.documents else "")
            for number, item in enumerate(meeting.agenda, start=1)
        ]
        chunks = chunk_lines(agenda)
        if len(chunks) > AGENDA_CHUNKS:
            chunks = [*chunks[:AGENDA_CHUNKS], Mrkdwn(f"_…{len(agenda)} agenda items in all._")]
        return chunks or [Mrkdwn("_No agenda is recorded for this meeting._")]

    def _document_notes(self, meeting: Meeting) -> list[Mrkdwn]:
        named = dict.fromkeys(
            [*meeting.documents, *(doc for item in meeting.agenda for doc in item.documents)]
        )
        if not named:
            return [Mrkdwn("_No documents are recorded for this meeting._")]
        return [clip(mrkdwn("*Documents:* {}", self.renderer.links.join(named)), CHUNK)]

    def changes(self, answer: Answer, audience: Audience) -> Reply:
        """What changed in a window, net per item: its state at both ends and its notes."""
        question, window = answer.question, answer.window
        by = changed_about(question)
        if window is None:
            noun = ask.kind_noun(question.kinds)
            text = f"No {noun} before now is in the schedule, so I cannot say what changed since."
            return self._list({"intro": text, "footer": self.footer(audience)}, text, audience)
        span = self.span_text(Window(window.start, min(window.end, self.now), window.label))
        if not answer.changes:
            text = f"Nothing was recorded{by} {window.label} ({span})."
            return self._list({"intro": text, "footer": self.footer(audience)}, text, audience)
        lines = [change_line(change) for change in answer.changes[:CHANGES_SHOWN]]
        if len(answer.changes) > CHANGES_SHOWN:
            lines.append(
                Mrkdwn(f"_…and {len(answer.changes) - CHANGES_SHOWN} more items._ ")
                + Mrkdwn("`/action ID` shows an item's history.")
            )
        changed = count(len(answer.changes), "item")
        intro = mrkdwn("*What changed{} {}* ({}): {}", by, window.label, span, changed)
        chunks = chunk_lines(lines)
        if len(chunks) > CHANGE_CHUNKS:
            chunks = [*chunks[: CHANGE_CHUNKS - 1], Mrkdwn(CHANGES_CUT)]
        view = {"intro": intro, "notes": chunks, "footer": self.footer(audience)}
        return self._list(view, f"{changed} changed{by} {window.label}", audience)

    def suggestions(self, answer: Answer, audience: Audience) -> Reply:
        """A question nobody answers: said so, with the closest ones tsagbot can answer."""
        lines = [mrkdwn("• `@tsagbot {}`", one_line(example, 120)) for example in answer.examples]
        view = {
            "intro": Mrkdwn(CANNOT_ANSWER),
            "notes": [Mrkdwn("\n").join(lines)],
            "footer": self.footer(audience, "`@tsagbot help`"),
        }
        text = "I can't answer that yet. Try: " + "; ".join(answer.examples)
        return self._list(view, text, audience)

    def card(self, meeting: Meeting, due: list[DueItem], audience: Audience) -> Reply:
        reader = audience.reader
        fields: list[tuple[str, str]] = [
            ("Kind", display.kind_label(meeting.kind)),
            ("When", f"{display.when_text(meeting, self.tz)}\n{self._until(meeting)}"),
        ]
        own = self.reader_line(meeting.start, meeting, reader)
        if own:
            fields.append(("Your time", Mrkdwn(own.removeprefix("Your time: "))))
        where = display.mode_text(meeting)
        if where:
            fields.append(("Where", clip(where, 500)))
        if meeting.link:
            fields.append(("Link", link(meeting.link)))
        if meeting.deadline is not None:
            deadline = escape(display.deadline_text(meeting.deadline, self.tz))
            other = self.reader_line(meeting.deadline, None, reader)
            if other:
                deadline += Mrkdwn("\n" + other.removeprefix("Your time: "))
            fields.append(("Contribution deadline", deadline))
        if meeting.channel:
            fields.append(("Channel", channel_link(meeting.channel)))
        agenda = [
            mrkdwn("{}. {}", number, one_line(item.title, 400))
            + (mrkdwn(" ({})", self.renderer.links.join(item.documents)) if item.documents else "")
            for number, item in enumerate(meeting.agenda, start=1)
        ]
        agenda_chunks = chunk_lines(agenda)
        if len(agenda_chunks) > AGENDA_CHUNKS:
            agenda_chunks = agenda_chunks[:AGENDA_CHUNKS]
            agenda_chunks.append(
                Mrkdwn(f"_…{len(agenda)} agenda items in all; see the documents._")
            )
        due_chunks = self.due_lines(due)
        buttons = []
        if audience.private:
            buttons.append(post_button(POST_BUTTON, spec(ViewKind.CARD, meeting.uid)))
        card = {
            "header": clip(meeting.name, 150),
            "fields": [(label, clip(escape(value), 1900)) for label, value in fields],
            "agenda": agenda_chunks,
            "documents": clip(self.renderer.links.join(meeting.documents), CHUNK),
            "due_count": f" ({len(due)})",
            "due": due_chunks,
            "source": one_line(meeting.source, 300),
            "footer": self.footer(audience),
            "buttons": buttons,
        }
        text = f"{meeting.name}: {display.when_text(meeting, self.tz)}"
        return Reply(self.renderer.blocks("meetings_card.json.j2", card=card), one_line(text, 150))

    def gone(self) -> Reply:
        text = "That meeting is no longer in the schedule; run `/meetings` again."
        return self._list({"intro": text, "footer": self.footer(Audience())}, text, Audience())

    def help(self, audience: Audience | None = None) -> Reply:
        blocks = self.renderer.blocks(
            "meetings_help.json.j2",
            command=self.command,
            footer=self.footer(audience or Audience()),
        )
        return Reply(blocks, f"How to use {self.command}")

    def unknown_command(self, question: Question) -> Reply:
        """One line: what did not work, and what does."""
        word = one_line(question.text, 80).replace("`", "'")
        text = mrkdwn(
            "`{} {}` is not something I know. Try `{}`, `{} irm` (or tsag, wtsa, wp, rg, "
            "regional), `{} deadlines`, `{} this week` or `{} help`.",
            self.command,
            word,
            *[self.command] * 5,
        )
        blocks = self.renderer.blocks("not_found.json.j2", view={"text": text, "hint": ""})
        return Reply(blocks, one_line(text, 150))

    def mention_help(self, audience: Audience) -> Reply:
        view = {"intro": MENTION_HELP, "footer": self.footer(audience)}
        return self._list(view, MENTION_HELP, audience)


def item_status_lines(items: list[ItemStatus], *, markup: bool = True) -> list[Mrkdwn]:
    """One line an item: its state, milestone and when it is due next.

    ``markup=False`` words the same answer without code spans and bold, for a
    reply that is text alone."""
    code, strong = ("`", "*") if markup else ("", "")
    lines = []
    for item in items:
        name = one_line(item.code, 40)
        if not item.found and item.obsolete:
            lines.append(
                mrkdwn(
                    f"{code}{{}}{code} is obsolete: it is in {{}}, not in the current action plan.",
                    name,
                    one_line(item.obsolete, 120),
                )
            )
            continue
        if not item.found:
            lines.append(mrkdwn(f"{code}{{}}{code} is not in the action plan.", name))
            continue
        line = mrkdwn(f"{code}{{}}{code}: {strong}{{}}{strong}", name, one_line(item.state, 40))
        if item.milestone:
            line += mrkdwn(" (milestone: {})", one_line(item.milestone, 200))
        line += "."
        if item.due_day is not None:
            day = f"{item.due_day:%a} {item.due_day.day} {item.due_day:%B %Y}"
            where = mrkdwn(" at {}", one_line(item.due_at, 120)) if item.due_at else ""
            line += mrkdwn(" Due next{}, {}.", where, day)
        lines.append(line)
    return lines


def changed_about(question: Question) -> str:
    """`` on 50-18 in Resolution 50 for SG17``: what a "what changed" question keeps."""
    parts = []
    if question.codes:
        parts.append(f" on {', '.join(question.codes)}")
    if question.resolution:
        label = question.resolution
        parts.append(f" in {label if label.startswith('Opinion') else 'Resolution ' + label}")
    if question.body:
        parts.append(f" for {question.body}")
    return "".join(parts)


def change_line(change: ItemChange) -> Mrkdwn:
    """``• `50-18` (Resolution 50): open → completed; notes: …`` for one item."""
    line = mrkdwn("• `{}` ({}): ", one_line(change.code, 40), one_line(change.resolution, 60))
    if change.changed_state:
        line += mrkdwn("*{} → {}*", change.before, change.after)
    else:
        line += mrkdwn("still {}", change.after)
        if change.updates > len(change.notes):  # done, then reopened: no net change
            line += Mrkdwn(" (changed, then changed back)")
    notes = change.notes[-NOTES_SHOWN:]
    if notes:
        line += Mrkdwn("; ") + Mrkdwn(" · ").join(mrkdwn("“{}”", one_line(n, 150)) for n in notes)
    if len(change.notes) > NOTES_SHOWN:
        line += Mrkdwn(f" (and {len(change.notes) - NOTES_SHOWN} earlier notes)")
    return line
