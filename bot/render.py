"""Rendering messages: Jinja2 templates to Block Kit, and Block Kit to plain text.

Templates in ``bot/templates`` hold the layout and produce Block Kit JSON;
Python prepares their inputs (clipped to Slack's limits) and checks the result.
The console and ``tsagbot ask`` print the same blocks through
:func:`blocks_to_text`, so what a user reads there is what Slack shows.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined

MAX_BLOCKS = 50
MAX_TEXT = 3000
MAX_HEADER = 150
MAX_BUTTON_VALUE = 2000
CHUNK = MAX_TEXT - 100

Blocks = list[dict[str, Any]]


class LimitError(ValueError):
    """A rendered message breaks one of Slack's limits: a bug in a template or view."""


def escape(text: str) -> str:
    """Text safe inside mrkdwn: Slack's three control characters escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def one_line(text: str, limit: int = 120) -> str:
    return clip(" ".join(text.split()), limit)


def slack_date(moment: datetime, tz: ZoneInfo) -> str:
    """A date Slack shows in each reader's own time zone, with a Geneva-time fallback."""
    local = moment.astimezone(tz)
    fallback = local.strftime("%d %b %Y %H:%M ") + (local.tzname() or "")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


class Renderer:
    def __init__(self) -> None:
        self.env = Environment(
            loader=PackageLoader("bot", "templates"),
            autoescape=False,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.filters["json"] = lambda value: json.dumps(value, ensure_ascii=False)
        self.env.filters["mrkdwn"] = escape
        self.env.filters["clip"] = clip
        self.env.filters["one_line"] = one_line

    def blocks(self, template: str, **context: Any) -> Blocks:
        rendered = self.env.get_template(template).render(**context)
        try:
            blocks = json.loads(rendered)
        except json.JSONDecodeError as error:
            raise LimitError(f"{template} rendered invalid JSON: {error}") from error
        check_limits(blocks)
        return list(blocks)


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
    """A message ready for Slack: blocks and the notification text."""

    blocks: Blocks
    text: str
    extra: list[Blocks] = field(default_factory=list)


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


def chunk_lines(lines: list[str], limit: int = CHUNK) -> list[str]:
    """Join lines into texts each within Slack's per-text limit."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        line = clip(line, limit)
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return chunks


def shared(footer: str, user: str | None) -> str:
    """A footer that says who posted the view in the channel."""
    if not user:
        return footer
    return f"{footer} · shared by <@{user}>" if footer else f"Shared by <@{user}>"
