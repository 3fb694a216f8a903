"""The day a plan document speaks for, read from the days its statuses name."""

from __future__ import annotations

from datetime import date

import pytest

from bot.plan.dating import days_named, document_date
from bot.plan.importing import bundled_plan, load_plan

IMPORTED = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("Training (virtual, 17-18 January 2024).", [date(2024, 1, 18)]),
        ("met on 3rd March, 2023 and on March 9, 2023", [date(2023, 3, 3), date(2023, 3, 9)]),
        ("Virtual, 7 Dec 2023; 5 Sept. 2023", [date(2023, 12, 7), date(2023, 9, 5)]),
        ("deadline 2025-02-11 (not 2025-02-30)", [date(2025, 2, 11)]),
        ("TSAG2023, Council 2023, June 2025, Q3 2025, Resolution 1 (Rev. Geneva, 2022)", []),
        ("3 Mayo 2020, 31 June 2024, 12 Ma 2024", []),
    ],
)
def test_the_whole_days_a_status_names(text: str, days: list[date]) -> None:
    assert sorted(days_named(text)) == sorted(days)


def test_the_document_date_is_the_latest_day_named_up_to_the_import() -> None:
    statuses = ["held on 2 May 2023", "", "next meeting 30 November 2026", "see 18 January 2024"]
    assert document_date(statuses, IMPORTED) == date(2024, 1, 18)
    assert document_date(statuses, date(2027, 1, 1)) == date(2026, 11, 30)
    assert document_date(["Ongoing", "TSAG2023"], IMPORTED) is None


def test_the_bundled_plan_speaks_for_january_2024() -> None:
    plan = load_plan(bundled_plan()).plan
    assert document_date((item.status for item in plan.items), IMPORTED) == date(2024, 1, 18)
