"""Rendering messages: Jinja2 templates to Block Kit, and Block Kit to plain text.

Templates in ``bot/templates`` hold the layout and produce Block Kit JSON;
Python prepares their inputs (clipped to Slack's limits) and checks the result.
The console and ``tsagbot ask`` print the same blocks through
:func:`blocks_to_text`, so what a user reads there is what Slack shows.

Slack reads ``<!channel>``, ``<@U…>``, ``<#C…>`` and ``<url|label>`` in any
mrkdwn text and in a message's notification text, so text from a document, a
schedule file or a person is escaped by default: the templates' ``json``
filter, :func:`chunk_lines` and :class:`Reply` escape every plain ``str``, and
only :class:`Mrkdwn`, built by :func:`escape`, :func:`mrkdwn`, :func:`link`,
:func:`mention` and :func:`channel_link`, passes as it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, overload
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined

from bot.documents.references import document_url

MAX_BLOCKS = 50
MAX_TEXT = 3000
MAX_HEADER = 150
MAX_BUTTON_VALUE = 2000
CHUNK = MAX_TEXT - 100

Blocks = list[dict[str, Any]]


class LimitError(ValueError):
    """A rendered message breaks one of Slack's limits: a bug in a template or view."""


class Mrkdwn(str):
    """Text that is Slack mrkdwn already: whatever came from outside in it was escaped.

    Only :func:`escape`, :func:`mrkdwn`, :func:`link` and the helpers here make one;
    a plain ``str`` is outside text, which the templates and :class:`Reply` escape.
    (An f-string of a ``Mrkdwn`` is a plain ``str`` again: build with :func:`mrkdwn`.)
    """

    __slots__ = ()

    def join(self, parts: Iterable[str]) -> Mrkdwn:
        """The parts joined by this text, each escaped unless it is mrkdwn already."""
        return Mrkdwn(str.join(self, (escape(part) for part in parts)))

    def __add__(self, other: str) -> Mrkdwn:
        return Mrkdwn(str.__add__(self, escape(other)))

    def __radd__(self, other: str) -> Mrkdwn:
        return Mrkdwn(str.__add__(escape(other), self))


def count(number: int, noun: str, plural: str = "") -> str:
    """``1 meeting``, ``2 meetings``: a number with its noun, singular when it is one.

    ``plural`` is for a noun whose plural is not the noun with an ``s``
    (``count(n, "action item is", "action items are")``)."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def escape(text: str) -> Mrkdwn:
    """Outside text made safe inside mrkdwn: Slack's three control characters escaped.

    Text from a document, a schedule file or a person goes through here (or through
    :func:`mrkdwn`, which calls it) before it reaches Slack, so that ``<!channel>``,
    ``<@U…>`` or ``<https://x|y>`` in it show as written instead of acting.
    Mrkdwn already is returned as it is, so nothing is escaped twice.
    """
    if isinstance(text, Mrkdwn):
        return text
    return Mrkdwn(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def mrkdwn(template: str, *args: object) -> Mrkdwn:
    """``template`` (mrkdwn written here) with ``{}`` filled by ``args``, each escaped."""
    return Mrkdwn(template.format(*(escape(a if isinstance(a, str) else str(a)) for a in args)))


LINK_TARGET = re.compile(r"https?://[^\s<>|\x00-\x1f\x7f]+", re.IGNORECASE)
MAX_LINK = 1000


def link(url: str, label: str | None = None) -> Mrkdwn:
    """``<url|label>`` for an http(s) address that cannot close Slack's link syntax.

    Anything else (another scheme, or ``<``, ``>``, ``|``, white space or a control
    character in it, or too long) is shown as escaped text: ``label``, or the
    address itself, never a live link.
    """
    shown = escape(one_line(label if label is not None else url, 300))
    if len(url) > MAX_LINK or not LINK_TARGET.fullmatch(url):
        return shown if label is not None else escape(clip(url, 300))
    return Mrkdwn(f"<{url}|{shown}>")


SLACK_USER = re.compile(r"[UW][A-Z0-9]{1,30}")
SLACK_CHANNEL = re.compile(r"[CG][A-Z0-9]{1,30}")


def mention(user: str) -> Mrkdwn:
    """``<@U…>`` for a Slack user id; anything else as escaped text."""
    return Mrkdwn(f"<@{user}>") if SLACK_USER.fullmatch(user) else escape(one_line(user, 80))


def channel_link(channel: str) -> Mrkdwn:
    """``<#C…>`` for a Slack channel id; anything else (a name) as escaped text."""
    return Mrkdwn(f"<#{channel}>") if SLACK_CHANNEL.fullmatch(channel) else escape(channel)


_OPEN_ENTITY = re.compile(r"&[a-z]{0,4}$")


@overload
def clip(text: Mrkdwn, limit: int) -> Mrkdwn: ...
@overload
def clip(text: str, limit: int) -> str: ...
def clip(text: str, limit: int) -> str:
    """Text cut to ``limit`` characters with an ellipsis; mrkdwn stays mrkdwn.

    Mrkdwn is not cut inside an escape (``&amp;``) or a ``<…>`` token."""
    marked = isinstance(text, Mrkdwn)
    text = text.strip()
    if len(text) <= limit:
        return Mrkdwn(text) if marked else text
    cut = text[: limit - 1]
    if marked:
        cut = _OPEN_ENTITY.sub("", cut)
        opened, closed = cut.rfind("<"), cut.rfind(">")
        if opened > closed:
            cut = cut[:opened]
        return Mrkdwn(cut.rstrip() + "…")
    return cut.rstrip() + "…"


@overload
def one_line(text: Mrkdwn, limit: int = 120) -> Mrkdwn: ...
@overload
def one_line(text: str, limit: int = 120) -> str: ...
def one_line(text: str, limit: int = 120) -> str:
    joined = " ".join(text.split())
    return clip(Mrkdwn(joined) if isinstance(text, Mrkdwn) else joined, limit)


def slack_date(moment: datetime, tz: ZoneInfo) -> Mrkdwn:
    """A date Slack shows in each reader's own time zone, with a Geneva-time fallback."""
    local = moment.astimezone(tz)
    fallback = local.strftime("%d %b %Y %H:%M ") + (local.tzname() or "")
    return Mrkdwn(
        f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{escape(fallback)}>"
    )


class DocumentLinks:
    """How document references are shown: links where ``TSAGBOT_DOCUMENT_URL`` gives
    them an address (``template``), escaped text otherwise (:data:`PLAIN_DOCUMENTS`)."""

    def __init__(self, template: str = "") -> None:
        self.template = template

    def one(self, name: str) -> Mrkdwn:
        """One normalised reference (``TD553R2``)."""
        url = document_url(self.template, name)
        return link(url, name) if url else escape(name)

    def join(self, names: Iterable[str], separator: str = ", ") -> Mrkdwn:
        return Mrkdwn(separator).join(self.one(name) for name in names)

    def text(self, text: str, spans: Iterable[tuple[int, int, str]]) -> Mrkdwn:
        """``text`` escaped, with each span (start, end, reference name) a document link.

        The spans are where a reader found references in it
        (:func:`bot.plan.updates.parse.document_spans`), in order."""
        parts: list[str] = []
        at = 0
        for start, end, name in spans:
            if start < at:
                continue
            url = document_url(self.template, name)
            shown = text[start:end]
            parts += [escape(text[at:start]), link(url, shown) if url else escape(shown)]
            at = end
        parts.append(escape(text[at:]))
        return Mrkdwn("").join(parts)


PLAIN_DOCUMENTS = DocumentLinks()


class Renderer:
    """Templates to Block Kit; ``document_url`` (``TSAGBOT_DOCUMENT_URL``) makes the
    document references of every view links (:attr:`links`)."""

    def __init__(self, document_url: str = "") -> None:
        self.links = DocumentLinks(document_url)
        self.env = Environment(
            loader=PackageLoader("bot", "templates"),
            autoescape=False,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        # Every text a template puts in a message goes through "json", which escapes it
        # unless it is Mrkdwn already: a template cannot forget to escape. "plain" is for
        # what Slack does not read as mrkdwn (plain_text, action ids, button values).
        self.env.filters["json"] = to_json
        self.env.filters["plain"] = lambda value: json.dumps(value, ensure_ascii=False)
        self.env.globals["md"] = mrkdwn
        self.env.filters["md_join"] = lambda items, separator: Mrkdwn(separator).join(items)
        self.env.filters["clip"] = clip
        self.env.filters["one_line"] = one_line

    @property
    def document_url(self) -> str:
        return self.links.template

    def blocks(self, template: str, **context: Any) -> Blocks:
        rendered = self.env.get_template(template).render(**context)
        try:
            blocks = json.loads(rendered)
        except json.JSONDecodeError as error:
            raise LimitError(f"{template} rendered invalid JSON: {error}") from error
        check_limits(blocks)
        return list(blocks)


def to_json(value: Any) -> str:
    """A JSON value for a mrkdwn text object: strings escaped unless mrkdwn already."""
    return json.dumps(_escaped(value), ensure_ascii=False)


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return str(escape(value))
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_escaped(item) for item in value]
    return value


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if isinstance(node.get("text"), str) else []
        for key, value in node.items():
            if key != "text" or not isinstance(value, str):
                found.extend(_texts(value))
        return found
    if isinstance(node, list):
        return [text for child in node for text in _texts(child)]
    return []


def check_limits(blocks: Blocks) -> None:
    if len(blocks) > MAX_BLOCKS:
        raise LimitError(f"{len(blocks)} blocks; Slack takes at most {MAX_BLOCKS}")
    for text in _texts(blocks):
        if len(text) > MAX_TEXT:
            raise LimitError(f"a text of {len(text)} characters; Slack takes {MAX_TEXT}")
    for block in blocks:
        if block.get("type") == "header" and len(block["text"]["text"]) > MAX_HEADER:
            raise LimitError("a header longer than 150 characters")
        for element in block.get("elements", []):
            if len(str(element.get("value", ""))) > MAX_BUTTON_VALUE:
                raise LimitError("a button value longer than 2000 characters")


SLACK_LINK = re.compile(r"<(?P<target>[^|>]+)(?:\|(?P<label>[^>]+))?>")
BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
EMOJI = re.compile(r":[a-z0-9_+-]+:")
EMOJI_TEXT = {
    ":white_check_mark:": "✅",
    ":white_large_square:": "⬜",
    ":arrows_counterclockwise:": "🔄",
    ":wastebasket:": "🗑",
    ":warning:": "⚠",
    ":calendar:": "📅",
}


def mrkdwn_to_text(text: str) -> str:
    """Readable plain text of Slack mrkdwn: links and dates shown by their labels."""

    def link(match: re.Match[str]) -> str:
        target, label = match["target"], match["label"]
        if target.startswith("!date"):
            return label or ""
        if label:
            return f"{label} ({target})"
        return target

    text = SLACK_LINK.sub(link, text)
    text = BOLD.sub(r"\1", text)
    text = EMOJI.sub(lambda m: EMOJI_TEXT.get(m.group(0), m.group(0)), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def blocks_to_text(blocks: Blocks) -> str:
    """Block Kit as a terminal shows it (the console, ``tsagbot ask``)."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            title = block["text"]["text"]
            lines += [title, "=" * min(len(title), 78)]
        elif kind == "section":
            if "text" in block:
                lines.append(mrkdwn_to_text(block["text"]["text"]))
            for field in block.get("fields", []):
                lines.append(mrkdwn_to_text(field["text"]).replace("\n", ": ", 1))
            accessory = block.get("accessory")
            if accessory and accessory.get("type") == "button":
                lines.append(f"  [{accessory['text']['text']}]")
        elif kind == "context":
            lines.append(
                "  ".join(mrkdwn_to_text(e.get("text", "")) for e in block.get("elements", []))
            )
        elif kind == "divider":
            lines.append("-" * 40)
        elif kind == "actions":
            buttons = [e["text"]["text"] for e in block.get("elements", []) if "text" in e]
            lines.append("  ".join(f"[{b}]" for b in buttons))
    return "\n".join(lines).strip()


# --------------------------------------------------------------------------- replies
# A *view* is named by a small, JSON-serialisable spec (kind, argument, page), so
# that a button can carry it and a later request can render the same view again
# (to post it in the channel, or to show the next page).


@dataclass
class Reply:
    """A message ready for Slack: blocks and the notification text.

    ``text`` is mrkdwn to Slack too: outside text in it is escaped here unless it was
    built as :class:`Mrkdwn`, and it is kept short (Slack takes 40,000 characters there,
    but a notification shows a line or two)."""

    blocks: Blocks
    text: str
    extra: list[Blocks] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.text = clip(escape(self.text), MAX_TEXT)


class ViewKind(StrEnum):
    """The views a button can name."""

    ITEM = "item"
    RESOLUTION = "resolution"
    SEARCH = "search"
    MEETINGS = "meetings"
    CARD = "card"


def spec(kind: ViewKind, argument: str, page: int = 1, shared_by: str | None = None) -> str:
    data: dict[str, Any] = {"k": kind, "a": argument, "p": page}
    if shared_by:
        data["s"] = shared_by
    return json.dumps(data, ensure_ascii=False)


@dataclass(frozen=True)
class ViewSpec:
    kind: ViewKind
    argument: str
    page: int
    shared_by: str | None


def read_spec(value: str) -> ViewSpec:
    """The view a button names; ValueError if the value is not one of ours."""
    try:
        data = json.loads(value)
        kind = ViewKind(str(data["k"]))
        return ViewSpec(kind, str(data["a"]), int(data.get("p", 1)), data.get("s"))
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"not a view: {value[:80]!r}") from error


def post_button(action_id: str, value: str) -> dict[str, Any]:
    """The "Post in channel" button under a private reply; ``value`` says what to post."""
    return {"label": "Post in channel", "action_id": action_id, "value": value, "style": "primary"}


def chunk_lines(lines: Iterable[str], limit: int = CHUNK) -> list[Mrkdwn]:
    """Join lines into texts each within Slack's per-text limit; plain lines are escaped."""
    chunks: list[Mrkdwn] = []
    current = Mrkdwn()
    for line in lines:
        line = clip(escape(line), limit)
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = Mrkdwn("\n").join([current, line]) if current else line
    if current:
        chunks.append(current)
    return chunks


def shared(footer: str, user: str | None) -> Mrkdwn:
    """A footer (mrkdwn, or plain text to escape) that says who posted the view in the channel."""
    footer = clip(escape(footer), CHUNK - 100)
    if not user:
        return footer
    if footer:
        return mrkdwn("{} · shared by {}", footer, mention(user))
    return mrkdwn("Shared by {}", mention(user))
