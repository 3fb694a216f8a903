"""The bodies an item's text names, and a body as a person types it."""

from __future__ import annotations

import pytest

from bot.plan.bodies import bodies_in, body_key, body_label


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("sg17", "sg17"),
        ("SG 17", "sg17"),
        ("Study  Group 17", "sg17"),
        ("sg03", "sg3"),
        ("TSAG", "tsag"),
        ("tsb", "tsb"),
        ("50", None),
        ("sg170", None),
        ("SG17 and SG2", None),
        ("", None),
    ],
)
def test_a_body_as_typed(typed: str, key: str | None) -> None:
    assert body_key(typed) == key


def test_the_bodies_an_action_names() -> None:
    action = "ITU-T SG17, with Study Group 2 and SG 13, reports to TSAG; TSB helps. SG170, XSG5."
    assert bodies_in(action) == {"sg17", "sg2", "sg13", "tsag", "tsb"}
    assert body_label("sg17") == "SG17"
