"""A round's counts agree: by body, by Resolution and in all."""

from __future__ import annotations

from bot.posting.rounds.service import ItemState, RoundProgress
from tests.support.common import utc


def state(
    code: str, body: str, *, reporters: tuple[str, ...] = (), nothing_new: str = ""
) -> ItemState:
    return ItemState(code, "", body, code.split("-")[0], reporters, nothing_new)


def progress(*items: ItemState) -> RoundProgress:
    return RoundProgress(1, "TSAG", utc(2027, 5, 10), utc(2027, 4, 1), None, list(items))


def test_nothing_new_from_one_of_the_bodies_sharing_an_item_answers_for_that_body_alone() -> None:
    shared = progress(
        state("94-02", "SG13", nothing_new="U13"),
        state("94-02", "SG16"),
        state("94-03", "TSAG"),
    )
    assert shared.reported == 0
    assert [(t.name, t.reported, t.total) for t in shared.by_resolution()] == [("94", 0, 2)]
    assert [(t.name, t.reported) for t in shared.by_body()] == [
        ("SG13", 1),
        ("SG16", 0),
        ("TSAG", 0),
    ]
    assert list(shared.unreported_bodies()) == ["SG16", "TSAG"]


def test_an_update_answers_for_every_body_and_the_counts_agree() -> None:
    updated = progress(
        state("94-02", "SG13", reporters=("Ana",)),
        state("94-02", "SG16", reporters=("Ana",)),
        state("94-03", "TSAG", nothing_new="U1"),
    )
    assert updated.reported == 2
    assert [(t.name, t.reported, t.total) for t in updated.by_resolution()] == [("94", 2, 2)]
    assert updated.unreported_bodies() == {}
