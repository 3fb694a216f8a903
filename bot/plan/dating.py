"""The day an action-plan document speaks for, read from what its statuses report.

The secretariat's plan carries no date of its own (the TD's cover is not part of
it), but its status texts report what happened up to the day it was written:
``Training ... (virtual, 17-18 January 2024)``. The latest day they name, no later
than the import itself, is the document's date: the digest counts an item's last
document update from it, not from the day a new install imported an old plan.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DAY_FIRST = re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>\d{{4}})\b")
_MONTH_FIRST = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,\s*(?P<year>\d{{4}})\b"
)
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")


def _month(word: str) -> int | None:
    word = word.lower()
    if word.isdigit():
        return int(word)
    found = [number for name, number in _MONTHS.items() if name.startswith(word)]
    return found[0] if len(word) >= 3 and len(found) == 1 else None


def days_named(text: str) -> Iterable[date]:
    """Every whole day ``text`` names: ``18 January 2024``, ``January 18, 2024``, ``2024-01-18``."""
    for pattern in (_DAY_FIRST, _MONTH_FIRST, _ISO):
        for match in pattern.finditer(text):
            month = _month(match["month"])
            if month is None:
                continue
            try:
                yield date(int(match["year"]), month, int(match["day"]))
            except ValueError:
                continue


def document_date(statuses: Iterable[str], imported: date) -> date | None:
    """The latest day the statuses name up to ``imported``; None when they name none."""
    days = [day for text in statuses for day in days_named(text) if day <= imported]
    return max(days, default=None)
