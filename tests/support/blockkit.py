"""Reading the Block Kit messages the bot sends, and Slack's limits on them.

Shared by the end-to-end tests of every Slack surface, so that each reply is
held to the same limits Slack enforces.
"""

from __future__ import annotations

from typing import Any

MAX_BLOCKS = 50
MAX_TEXT = 3000
MAX_FIELD = 2000
MAX_FIELDS = 10
MAX_HEADER = 150
MAX_BUTTON_LABEL = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTION_ELEMENTS = 25
SORRY = "Sorry, that did not work"
"""What the app answers when a listener fails; never expected in a test."""


def texts(node: Any) -> list[str]:
    """Every ``text`` string anywhere in a message, section text objects included."""
    if isinstance(node, dict):
        text = node.get("text")
        found = [text] if isinstance(text, str) else []
        return found + [
            t for value in node.values() if not isinstance(value, str) for t in texts(value)
        ]
    if isinstance(node, list):
        return [t for child in node for t in texts(child)]
    return []


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    return found + [b["accessory"] for b in blocks if "accessory" in b]


def assert_within_limits(message: dict[str, Any]) -> None:
    """A message Slack accepts: non-empty, and within Block Kit's limits."""
    blocks = message.get("blocks") or []
    assert blocks or message.get("text"), "an empty reply"
    assert len(blocks) <= MAX_BLOCKS, f"{len(blocks)} blocks"
    for text in texts(message):
        assert 0 < len(text) <= MAX_TEXT, f"a text of {len(text)} characters"
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= MAX_HEADER
        if block["type"] == "actions":
            assert 0 < len(block["elements"]) <= MAX_ACTION_ELEMENTS
        assert len(block.get("fields", [])) <= MAX_FIELDS
        for field in block.get("fields", []):
            assert len(field["text"]) <= MAX_FIELD
    for element in buttons(blocks):
        assert len(element["text"]["text"]) <= MAX_BUTTON_LABEL
        assert 0 < len(element["value"]) <= MAX_BUTTON_VALUE
