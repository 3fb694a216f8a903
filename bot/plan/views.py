"""``/action`` replies: from an answer to the inputs of a template (wording, clipping, pages)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.plan.bodies import from_section_one, listed, responsibility, who_acts
from bot.plan.documents import linked
from bot.plan.filters import Filter, Overdue, never_overdue
from bot.plan.lookup import Answer, AnswerKind
from bot.plan.queries import history
from bot.render import (
    CHUNK,
    MAX_BUTTON_VALUE,
    PLAIN_DOCUMENTS,
    DocumentLinks,
    Mrkdwn,
    Renderer,
    Reply,
    ViewKind,
    chunk_lines,
    clip,
    count,
    escape,
    link,
    mention,
    mrkdwn,
    one_line,
    post_button,
    shared,
    slack_date,
    spec,
)
from bot.store.models import ActionItem, Resolution, StatusUpdate

LINES_PER_PAGE = 40
HITS_PER_PAGE = 8  # a search's hits each take a block with a "Show" button
UPDATES_ON_CARD = 5
POST_BUTTON = "action_post"
PAGE_BUTTON = "action_page"
SHOW_BUTTON = "action_show_item"


@dataclass(frozen=True)
class Progress:
    """Counts of active items: all, completed, with periodic goals met (not completed),
    overdue."""

    total: int
    completed: int
    periodic: int
    overdue: int


def open_with_periodic_goals(flags: Iterable[tuple[bool, bool]]) -> int:
    """How many (completed, periodic goals met) pairs are open with periodic goals met.

    Every count of the plan (a Resolution's view, progress, the digest) counts the
    periodic flag among open items only, so that their numbers agree: a completed
    item is counted once, as completed.
    """
    return sum(periodic and not completed for completed, periodic in flags)


def progress_of(items: Sequence[ActionItem], overdue: Overdue = never_overdue) -> Progress:
    """The counts of :class:`Progress` over active items."""
    return Progress(
        total=len(items),
        completed=sum(item.completed for item in items),
        periodic=open_with_periodic_goals((i.completed, i.periodic_goals_met) for i in items),
        overdue=sum(not item.completed and overdue(item) for item in items),
    )


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def yes_no(flag: bool) -> str:
    return ":white_check_mark: Yes" if flag else "No"


def state_icon(item: ActionItem) -> str:
    if item.obsolete:
        return ":wastebasket:"
    if item.completed:
        return ":white_check_mark:"
    if item.periodic_goals_met:
        return ":arrows_counterclockwise:"
    return ":white_large_square:"


def state_word(item: ActionItem) -> str:
    if item.obsolete:
        return "obsolete"
    if item.completed:
        return "completed"
    return "periodic goals met" if item.periodic_goals_met else "open"


def update_line(
    update: StatusUpdate, tz: ZoneInfo, links: DocumentLinks = PLAIN_DOCUMENTS
) -> Mrkdwn:
    line = mrkdwn(
        "• {} *{}* by {}: {}",
        slack_date(update.created_at, tz),
        update.kind,
        update.author or "someone",
        linked(links, one_line(update.words, 200)),
    )
    if update.reporter_id:
        line += mrkdwn(" (reported by {})", mention(update.reporter_id))
    if update.documents:
        line += mrkdwn(" ({})", links.join(update.documents))
    if update.link:
        line += mrkdwn(" {}", link(update.link, "message"))
    return line


def clip_middle(text: str, limit: int, links: DocumentLinks = PLAIN_DOCUMENTS) -> Mrkdwn:
    """Text escaped (its document references links) and cut in the middle: the status's
    last lines are the notes recorded lately."""
    text = linked(links, text.strip())
    if len(text) <= limit:
        return text
    half = (limit - 3) // 2
    head = clip(text, half).removesuffix("…")
    tail = re.sub(r"^[a-z]{0,3};", "", text[-half:])  # not the end of a cut &amp;
    tail = re.sub(r"^[^<]*>", "", tail)  # nor the end of a cut <link|label>
    return Mrkdwn(f"{head.rstrip()}\n…\n{tail.lstrip()}")


def section_one_line(resolution: Resolution) -> Mrkdwn:
    """Section I's row as one context line: who acts, collaborates and reports."""
    parts = [
        mrkdwn("*{}:* {}", label, text)
        for label, text in (
            ("Action by", resolution.action_by),
            ("Collaboration with", resolution.collaboration),
            ("Report to", resolution.report_to),
        )
        if text
    ]
    return clip(Mrkdwn(" · ").join(parts), 2900)


class Views:
    """Builds replies for ``/action``; the renderer holds the layout."""

    def __init__(self, renderer: Renderer, tz: ZoneInfo, command: str = "/action") -> None:
        self.renderer = renderer
        self.tz = tz
        self.command = command

    def for_answer(self, session: Session, answer: Answer, *, page: int = 1) -> Reply:
        if answer.kind == AnswerKind.HELP:
            return self.help()
        if answer.kind == AnswerKind.ITEM:
            return self.item_card(
                session, answer.items[0], also=answer.items[1:], current=answer.current or None
            )
        if answer.kind == AnswerKind.RESOLUTION:
            return self.resolution(answer, page)
        if answer.kind == AnswerKind.ITEMS:
            return self.items(answer)
        if answer.kind == AnswerKind.SEARCH:
            return self.search(answer, page=page)
        if answer.kind == AnswerKind.LIST:
            return self.item_list(answer, page=page)
        return self.not_found(answer)

    def help(self) -> Reply:
        blocks = self.renderer.blocks("help.json.j2", command=self.command)
        return Reply(blocks, f"How to use {self.command}")

    def item_card(
        self,
        session: Session,
        item: ActionItem,
        *,
        also: list[ActionItem],
        post: bool = True,
        shared_by: str | None = None,
        current: str | None = None,
    ) -> Reply:
        resolution = item.resolution
        current = current or item.edition
        header = f"{item.code} · {resolution.label}"
        if resolution.title:
            header += f" – {resolution.title}"
        see_also = [self._namesake(item, other, current) for other in also]
        command = self._command_for(item.code, item.edition, current)
        argument = json.dumps([item.code, item.appendix, item.edition])
        card = {
            "header": clip(header, 150),
            "obsolete": one_line(item.appendix, 200),
            "edition_note": clip(
                mrkdwn(
                    ":warning: An item of the *{}* plan, which the *{}* plan has replaced: "
                    "`{} {}` shows {}'s {}.",
                    item.edition,
                    current,
                    self.command,
                    item.code,
                    current,
                    item.code,
                )
                if item.edition != current
                else Mrkdwn(),
                CHUNK,
            ),
            "action": clip(escape(item.action), CHUNK),
            "milestone": clip(escape(item.milestone), 1900),
            "periodic": yes_no(item.periodic_goals_met),
            "completed": yes_no(item.completed),
            "aliases": clip(escape(", ".join(item.aliases or [])), 1900),
            "who": clip(escape(who_acts(responsibility(item))), 1900),
            "status": clip_middle(item.status, CHUNK, self.renderer.links),
            "updates": chunk_lines(
                [
                    update_line(u, self.tz, self.renderer.links)
                    for u in history(session, item, UPDATES_ON_CARD)
                ]
            )[:1],
            "see_also": clip(Mrkdwn(" · ").join(see_also), CHUNK),
            "footer": shared(
                f"{'' if item.edition == current else item.edition + ' · '}"
                f"{resolution.label} · {state_word(item)} · `{command}`",
                shared_by,
            ),
            "buttons": [post_button(POST_BUTTON, spec(ViewKind.ITEM, argument))] if post else [],
        }
        text = f"{item.code}: {one_line(item.action, 150)} ({state_word(item)})"
        if item.edition != current:
            text = f"{item.edition} {text}"
        return Reply(self.renderer.blocks("item_card.json.j2", card=card), text)

    def _command_for(self, code: str, edition: str, current: str) -> str:
        return f"{self.command} {code}" + ("" if edition == current else f" {edition.lower()}")

    def _namesake(self, item: ActionItem, other: ActionItem, current: str) -> Mrkdwn:
        """How another item with this number (or listing it) relates to the one shown."""
        if other.edition != item.edition:
            had = "has" if other.edition == current else "also had"
            command = self._command_for(other.code, other.edition, current)
            return mrkdwn("{} {} a {}: `{}`", other.edition, had, other.code, command)
        if not other.obsolete and other.code != item.code:
            return mrkdwn("`{}` lists {} as its earlier number", other.code, item.code)
        return mrkdwn(
            "`{}` is also the number of an obsolete item ({})", other.code, other.appendix
        )

    def resolution(
        self, answer: Answer, page: int, *, post: bool = True, shared_by: str | None = None
    ) -> Reply:
        resolution = answer.resolution
        assert resolution is not None
        items = answer.items
        # The buttons name the Resolution again; an older edition's by its edition too.
        argument = resolution.key
        if resolution.edition != (answer.current or resolution.edition):
            argument += f" {resolution.edition.lower()}"
        lines = [
            mrkdwn("{} `{}` {}", state_icon(i), i.code, one_line(i.action, 110))
            + (mrkdwn(" _(obsolete, {})_", i.appendix) if i.obsolete else "")
            for i in items
        ]
        pages = max(1, -(-len(lines) // LINES_PER_PAGE))
        page = min(max(page, 1), pages)
        shown = lines[(page - 1) * LINES_PER_PAGE : page * LINES_PER_PAGE]
        active = [i for i in items if not i.obsolete]
        counts = progress_of(active)
        summary = (
            f"{count(counts.total, 'action item')} · {counts.completed} completed · "
            f"{counts.total - counts.completed} open, of which {counts.periodic} "
            "with periodic goals met"
        )
        if len(items) > len(active):
            summary += f" · {len(items) - len(active)} obsolete"
        buttons = []
        if page < pages:
            buttons.append(
                {
                    "label": f"Next page ({page + 1}/{pages})",
                    "action_id": PAGE_BUTTON,
                    "value": spec(ViewKind.RESOLUTION, argument, page + 1, shared_by),
                    "style": None,
                }
            )
        if post:
            value = spec(ViewKind.RESOLUTION, argument, page)
            buttons.append(post_button(POST_BUTTON, value))
        header = f"{resolution.label} – {resolution.title}".strip(" –")
        if resolution.edition != (answer.current or resolution.edition):
            header = f"{resolution.edition} {header}"
            summary += f" · of the {resolution.edition} plan, replaced by {answer.current}"
        view = {
            "header": clip(header, 150),
            "summary": clip(escape(summary), CHUNK),
            "section_one": section_one_line(resolution),
            "chunks": chunk_lines(shown) or [Mrkdwn("_No action items._")],
            "footer": shared(f"Page {page} of {pages}" if pages > 1 else "", shared_by),
            "buttons": buttons,
        }
        text = f"{resolution.label}: {summary}"
        return Reply(self.renderer.blocks("resolution.json.j2", view=view), text)

    def search(
        self, answer: Answer, *, page: int = 1, post: bool = True, shared_by: str | None = None
    ) -> Reply:
        """One page of a search's hits, the count of all of them, and "Show more"."""
        total = len(answer.hits)
        pages = max(1, -(-total // HITS_PER_PAGE))
        page = min(max(page, 1), pages)
        first = (page - 1) * HITS_PER_PAGE
        hits = [
            {
                "code": hit.key,
                "text": clip(mrkdwn("*`{}`* {}", hit.key, hit.excerpt), CHUNK),
            }
            for hit in answer.hits[first : first + HITS_PER_PAGE]
        ]
        noun = "action item matches" if total == 1 else "action items match"
        shown = f" ({first + 1}–{first + len(hits)}):" if pages > 1 else ":"
        view = {
            "title": mrkdwn("{} {} *{}*{}", total, noun, one_line(answer.query, 200), shown),
            "hits": hits,
            # "Show" replaces the message it sits in: never a message posted in the channel.
            "show": post,
            "footer": shared(f"Best matches first · `{self.command} ID` shows one item", shared_by),
            "buttons": self._page_buttons(
                ViewKind.SEARCH, answer.query, page, pages, total, HITS_PER_PAGE, post
            ),
        }
        text = f"{total} {noun} {one_line(answer.query, 100)}"
        return Reply(self.renderer.blocks("search.json.j2", view=view), text)

    def item_list(
        self, answer: Answer, *, page: int = 1, post: bool = True, shared_by: str | None = None
    ) -> Reply:
        """The items a filter keeps (``/action sg17 overdue``): every one counted, a
        page of them listed with who acts (or, for ``changed``, what changed), and
        "Show more"."""
        wanted = answer.filter
        assert wanted is not None
        total = len(answer.items)
        pages = max(1, -(-total // LINES_PER_PAGE))
        page = min(max(page, 1), pages)
        first = (page - 1) * LINES_PER_PAGE
        shown = answer.items[first : first + LINES_PER_PAGE]
        lines = [self._list_line(item, answer) for item in shown]
        summary = wanted.describe(total)
        if pages > 1:
            summary += f" · {first + 1}–{first + len(lines)} shown"
        asked = f"{self.command} {answer.query}"
        if answer.span is not None:
            asked += f" · {answer.span.label}"
        view = {
            "header": clip(summary[:1].upper() + summary[1:], 150),
            "summary": clip(escape(asked), CHUNK),
            "section_one": "",
            "chunks": chunk_lines(lines) or [self._nothing_listed(answer)],
            "footer": shared(
                f"Page {page} of {pages}" if pages > 1 else f"`{self.command} ID` shows one item",
                shared_by,
            ),
            "buttons": self._page_buttons(
                ViewKind.SEARCH, answer.query, page, pages, total, LINES_PER_PAGE, post
            ),
        }
        return Reply(self.renderer.blocks("resolution.json.j2", view=view), summary)

    @staticmethod
    def _list_line(item: ActionItem, answer: Answer) -> Mrkdwn:
        """``✅ `50-18` _SG17_ action...``; for ``changed``, its net change and last note."""
        change = answer.changes.get(item.code)
        if change is None:
            return mrkdwn(
                "{} `{}` _{}_ {}",
                state_icon(item),
                item.code,
                listed(responsibility(item).acts) or "—",
                one_line(item.action, 110),
            )
        moved = (
            f"{change.before} → {change.after}" if change.changed_state else f"still {change.after}"
        )
        line = mrkdwn("{} `{}` *{}*", state_icon(item), item.code, moved)
        if not change.changed_state and not change.notes:
            line += mrkdwn(" · {} with no net change", count(change.updates, "update"))
        if change.notes:
            line += mrkdwn(
                " · {}: “{}”",
                count(len(change.notes), "note"),
                one_line(change.notes[-1], 90),
            )
        return line + mrkdwn(" — {}", one_line(item.action, 70))

    @staticmethod
    def _nothing_listed(answer: Answer) -> Mrkdwn:
        if answer.filter and answer.filter.changed and answer.span is None:
            return Mrkdwn("_The schedule holds no TSAG meeting before now to start from._")
        if answer.filter and answer.filter.changed:
            return Mrkdwn("_No action item changed in that span._")
        return Mrkdwn("_No action items._")

    def _page_buttons(
        self,
        kind: ViewKind,
        query: str,
        page: int,
        pages: int,
        total: int,
        per_page: int,
        post: bool,
    ) -> list[dict[str, str | None]]:
        """ "Show more" (the next page, in place of this one) and "Post in channel".

        A button carries its view's spec, and Slack takes at most 2000 characters
        there: a query too long to be named again gets neither button.
        """
        buttons: list[dict[str, str | None]] = []
        more = spec(kind, query, page + 1)
        # Only in a private reply: in the channel it would page the message for everyone.
        if post and page < pages and len(more) <= MAX_BUTTON_VALUE:
            last = min(total, (page + 1) * per_page)
            buttons.append(
                {
                    "label": f"Show more ({page * per_page + 1}–{last} of {total})",
                    "action_id": PAGE_BUTTON,
                    "value": more,
                    "style": None,
                }
            )
        value = spec(kind, query, page)
        if post and len(value) <= MAX_BUTTON_VALUE:
            buttons.append(post_button(POST_BUTTON, value))
        return buttons

    def items(self, answer: Answer, *, post: bool = True, shared_by: str | None = None) -> Reply:
        """Several ids asked at once: a line for each, as a search lists its hits,
        and for an unknown id what ``/action ID`` would say of it."""
        lines = [self._part_line(part, answer.current) for part in answer.parts]
        older = answer.edition and answer.edition != answer.current
        value = spec(
            ViewKind.SEARCH, answer.query + (f" {answer.edition.lower()}" if older else "")
        )
        codes = answer.query.split()
        footer = f"`{self.command} ID` shows one item"
        if len(codes) > len(answer.parts):
            footer = f"{count(len(codes) - len(answer.parts), 'more id')} not shown · {footer}"
        view = {
            "title": mrkdwn("Action items *{}*:", one_line(", ".join(codes), 200)),
            "hits": lines,
            "show": post,
            "footer": shared(footer, shared_by),
            "buttons": [post_button(POST_BUTTON, value)]
            if post and len(value) <= MAX_BUTTON_VALUE
            else [],
        }
        found = [part.items[0].code for part in answer.parts if part.items]
        asked = count(len(answer.parts), "action item")
        text = f"{len(found)} of {asked} found: {', '.join(found)}"
        return Reply(self.renderer.blocks("search.json.j2", view=view), one_line(text, 150))

    def _part_line(self, part: Answer, current: str) -> dict[str, str]:
        if not part.items:  # "code" empty: no "Show" button
            return {"code": "", "text": clip(self.not_found_text(part), CHUNK)}
        item = part.items[0]
        line = mrkdwn("*`{}`* {} {}", item.code, state_icon(item), one_line(item.action, 300))
        if item.obsolete:
            line += mrkdwn(" _(obsolete, {})_", item.appendix)
        if item.edition != current:
            line += mrkdwn(" _({} plan)_", item.edition)
        # The "Show" button's value is what /action is asked: an older edition's by name.
        shown = item.code if item.edition == current else f"{item.code} {item.edition.lower()}"
        return {"code": shown, "text": clip(line, CHUNK)}

    def who_acts(self, rows: list[tuple[str, ActionItem | None]]) -> Reply:
        """ "Who acts on 50-18?": for each item, the bodies that act, work with it and
        are reported to, and its Resolution's Section I."""
        lines = []
        for code, item in rows:
            if item is None:
                lines.append(mrkdwn("*`{}`* is not in the current action plan.", code))
                continue
            found = responsibility(item)
            lines.append(
                mrkdwn(
                    "{} *`{}`*: {}\n_{}_",
                    state_icon(item),
                    item.code,
                    who_acts(found),
                    one_line(item.action, 200),
                )
            )
            if item.obsolete:
                lines.append(
                    mrkdwn(
                        "   _Obsolete: in {}, not in the current action plan._",
                        one_line(item.appendix, 120),
                    )
                )
            section = from_section_one(item.resolution)
            if section.acts and not found.from_section_one:
                lines.append(
                    mrkdwn(
                        "   {} (Section I): action by {}",
                        item.resolution.label,
                        listed(section.acts),
                    )
                )
        header = "Who acts on " + ", ".join(code for code, _ in rows)
        view = {
            "header": clip(header, 150),
            "chunks": chunk_lines(lines),
            "footer": Mrkdwn(f"`{self.command} ID` shows one item"),
        }
        text = "; ".join(
            f"{item.code}: {who_acts(responsibility(item))}" for _, item in rows if item is not None
        )
        text = text or f"Not in the plan: {', '.join(code for code, _ in rows)}"
        return Reply(self.renderer.blocks("plan_answer.json.j2", view=view), one_line(text, 300))

    def progress(self, wanted: Filter, counts: Progress) -> Reply:
        """ "How many items are completed?", "progress of Resolution 50": the counts."""
        scope = wanted.describe(counts.total)
        open_items = counts.total - counts.completed
        lines = [
            mrkdwn("*{}*", scope),
            mrkdwn(
                ":white_check_mark: {} completed ({})",
                counts.completed,
                percent(counts.completed, counts.total),
            ),
            mrkdwn(
                ":white_large_square: {} open, of which {} with periodic goals met",
                open_items,
                counts.periodic,
            ),
            mrkdwn(":warning: {} overdue (milestone passed, not completed)", counts.overdue),
        ]
        header = "Progress of the action plan"
        if wanted.resolution or wanted.body:
            header = Filter(resolution=wanted.resolution, body=wanted.body).describe(2)
            header = "Progress" + header.removeprefix("2 action items")
        view = {
            "header": clip(header, 150),
            "chunks": chunk_lines(lines),
            "footer": mrkdwn(
                "`{} done`, `{} open`, `{} overdue` list them",
                self.command,
                self.command,
                self.command,
            ),
        }
        text = f"{scope}: {counts.completed} completed, {open_items} open, {counts.overdue} overdue"
        return Reply(self.renderer.blocks("plan_answer.json.j2", view=view), one_line(text, 300))

    def not_found_text(self, answer: Answer) -> Mrkdwn:
        query = one_line(answer.query, 200)
        if answer.suggestions:
            closest = ", ".join(f"`{s}`" for s in answer.suggestions)
            return mrkdwn("Nothing found for *{}*. Closest: {}", query, closest)
        return mrkdwn("Nothing found for *{}*.", query)

    def not_found(self, answer: Answer) -> Reply:
        text = self.not_found_text(answer)
        view = {
            "text": clip(text, CHUNK),
            "hint": f"Try `{self.command} help` for what you can ask.",
        }
        return Reply(self.renderer.blocks("not_found.json.j2", view=view), one_line(text, 150))
