"""Who acts on an item: bodies read from its text and from Section I."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.plan.bodies import (
    Responsibility,
    bodies_in,
    body_named,
    from_section_one,
    from_text,
    matches,
    responsibility,
    who_acts,
)
from bot.store.db import Database
from bot.store.models import ActionItem, Resolution


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SG17, in close collaboration with all other ITU-T SGs", ["SG17", "All SGs"]),
        ("ITU-T SGs 13, 16, 17, 20 to evaluate", ["SG13", "SG16", "SG17", "SG20"]),
        ("Study Groups 2, 11, 12, 17, and 20", ["SG2", "SG11", "SG12", "SG17", "SG20"]),
        ("SGs 11 and 17 to develop", ["SG11", "SG17"]),
        ("instructs SGs11+17", ["SG11", "SG17"]),
        ("Q3/17 to continue study", ["SG17"]),
        ("ITU-D SG 2 and ITU-R SGs", ["BDT", "BR"]),
        ("TSBDir, in collaboration with BDTDir and BRDir", ["TSBDir", "BDT", "BR"]),
        ("TSB Dir and the Director of TSB", ["TSBDir"]),
        ("TSB Counsellors", ["TSB"]),
        ("Sec-Gen, the Secretary-General, GenSec", ["Secretary-General"]),
        ("Member States, Sector Members, academia", ["Membership"]),
        ("relevant SGs", []),
        ("Regional groups and ITU regional offices", ["Regional groups", "Regional offices"]),
        ("JCA-AHF and CASC", ["JCA-AHF", "CASC"]),
        ("SG99 and SG1", []),  # not ITU-T study groups
        ("report to Council and to WTSA-24 and PP-22", ["Council", "WTSA", "PP"]),
    ],
)
def test_bodies_in_text(text: str, expected: list[str]) -> None:
    assert bodies_in(text) == expected


@pytest.mark.parametrize(
    ("word", "body"),
    [
        ("sg17", "SG17"),
        ("SG 17", "SG17"),
        ("Study Group 17", "SG17"),
        ("itu-t sg2", "SG2"),
        ("sg18", None),
        ("tsb", "TSB"),
        ("TSBDir", "TSBDir"),
        ("tsb dir", "TSBDir"),
        ("tsag", "TSAG"),
        ("bdt", "BDT"),
        ("council", "Council"),
        ("membership", "Membership"),
        ("all sgs", "All SGs"),
        ("secgen", "Secretary-General"),
        ("security", None),
    ],
)
def test_a_body_named_in_a_query(word: str, body: str | None) -> None:
    assert body_named(word) == body


def test_tsb_finds_its_director_but_not_the_reverse() -> None:
    director = Responsibility(("TSBDir",))
    bureau = Responsibility(("TSB",))
    assert matches(director, "TSB")
    assert matches(bureau, "TSB")
    assert matches(director, "TSBDir")
    assert not matches(bureau, "TSBDir")
    assert not matches(Responsibility(("All SGs",)), "SG17")  # "All SGs" is not each SG


@pytest.mark.parametrize(
    ("action", "acts", "collaboration", "report_to"),
    [
        (
            "SG17, in close collaboration with all other ITU-T SGs, establish an action plan "
            "... and continue to provide regular reports to TSAG (instructs 4 SG17)",
            ("SG17",),
            ("All SGs",),
            ("TSAG",),
        ),
        ("TSBDir to report to Council annually (instructs TSB Dir)", ("TSBDir",), (), ("Council",)),
        ("WTSA-20 invites TSAG to continue studying ITU-T A.7 related issues.", ("TSAG",), (), ()),
        ("TSB (with BDT) to be establishing a secretariat", ("TSB",), ("BDT",), ()),
        # "SGs 2" in the quoted clause is paragraph 2 for the study groups, not SG2.
        ("SGs to continue liaise with ITU-D SGs (instructs SGs 2)", ("All SGs",), (), ()),
        ("Annual report on the activities", (), (), ()),
    ],
)
def test_from_text(
    action: str, acts: tuple[str, ...], collaboration: tuple[str, ...], report_to: tuple[str, ...]
) -> None:
    assert from_text(action) == Responsibility(acts, collaboration, report_to)


# Checked by hand against the WTSA-20 action plan (seeds/004_d127366013943a34.txt):
# the item's action text, and for items that name nobody, its Resolution's Section I row.
REAL_ITEMS = [
    ("50-18", ("SG17",), ("All SGs",), ("TSAG", "Council")),
    ("50-20", ("TSBDir",), (), ("TSAG", "Council")),
    ("97-08", ("SG11", "SG17"), (), ()),
    ("84-02", ("SG3",), ("SG2", "SG11", "SG12", "SG17", "SG20"), ()),
    ("58-01", ("TSBDir",), ("BDT", "SG17"), ()),
    ("78-04", ("SG16", "SG20"), ("SG11", "SG17"), ()),
    ("44-14", ("All SGs", "TSAG"), (), ("TSAG", "Council", "WTSA", "PP")),
    ("22-16", ("TSAG",), (), ()),
    ("01-01", ("TSB",), (), ("TSAG", "WTSA")),
    ("32-07", ("TSB",), ("BDT",), ("TSAG",)),
    ("69-05", ("Secretary-General",), (), ("Council", "TSAG")),
    ("64-03", ("SG2", "SG3"), (), ("Council", "WTSA")),
    ("58-03", ("SG17",), (), ()),
    ("54-09", ("Regional groups",), (), ("TSAG",)),
    ("94-01", ("SG13", "SG16", "SG17", "SG20"), (), ()),
]


@pytest.mark.parametrize(("code", "acts", "collaboration", "report_to"), REAL_ITEMS)
def test_who_acts_on_real_items(
    bundled_plan: Database,
    code: str,
    acts: tuple[str, ...],
    collaboration: tuple[str, ...],
    report_to: tuple[str, ...],
) -> None:
    with bundled_plan.unit_of_work() as session:
        item = session.scalars(
            select(ActionItem).where(ActionItem.code == code, ActionItem.appendix == "")
        ).one()
        found = responsibility(item)
    assert (found.acts, found.collaboration) == (acts, collaboration)
    assert set(report_to) <= set(found.report_to), found.report_to
    assert not found.from_section_one


def test_an_item_naming_nobody_takes_section_one(bundled_plan: Database) -> None:
    with bundled_plan.unit_of_work() as session:
        item = session.scalars(select(ActionItem).where(ActionItem.code == "18-05")).one()
        found = responsibility(item)
    # Section I, Resolution 18: action by All SGs, TSAG (X), TSB (X).
    assert found.acts == ("All SGs", "TSAG", "TSB")
    assert found.from_section_one
    assert who_acts(found).endswith("(Section I)")


@pytest.mark.parametrize(
    ("key", "acts", "collaboration", "report_to"),
    [
        (
            "50",
            ("All SGs", "SG17", "TSB", "Membership", "Secretary-General"),
            None,
            ("TSAG", "Council"),
        ),
        ("11", ("SG3", "SG12", "SG17", "TSB"), (), ()),
        ("44", None, ("BDT", "BR"), ("TSAG", "Council", "WTSA", "PP")),
        ("1", ("All SGs", "TSAG", "TSB"), (), ("TSAG", "WTSA")),
    ],
)
def test_section_one_as_bodies(
    bundled_plan: Database,
    key: str,
    acts: tuple[str, ...] | None,
    collaboration: tuple[str, ...] | None,
    report_to: tuple[str, ...],
) -> None:
    with bundled_plan.unit_of_work() as session:
        resolution = session.scalars(select(Resolution).where(Resolution.key == key)).one()
        found = from_section_one(resolution)
    if acts is not None:
        assert found.acts == acts
    if collaboration is not None:
        assert set(collaboration) <= set(found.collaboration), found.collaboration
    assert found.report_to == report_to


def test_every_active_item_has_someone_acting(bundled_plan: Database) -> None:
    with bundled_plan.unit_of_work() as session:
        items = session.scalars(select(ActionItem).where(ActionItem.appendix == "")).all()
        nobody = [item.code for item in items if not responsibility(item).acts]
    assert nobody == []
