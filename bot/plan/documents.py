"""Document references in plain text (a status, a note's words) shown as links."""

from __future__ import annotations

from bot.plan.updates.parse import document_spans
from bot.render import DocumentLinks, Mrkdwn


def linked(links: DocumentLinks, text: str) -> Mrkdwn:
    """``text`` escaped, each document it names a link where the template gives one."""
    return links.text(text, document_spans(text))
