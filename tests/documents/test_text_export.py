"""The text-export reader on the shapes Word's plain-text export gives tables."""

from __future__ import annotations

import pytest

from bot.documents.blocks import Paragraph, Table
from bot.documents.detect import read_blocks
from bot.documents.text_export import read_text_export

NESTED = (
    "\t50-08\n\tTSBDir to organize clinics\n\tOngoing\n\t√\n\t\n\n"
    "\t\n\tClinics held:\n\tNo.\n\tCountry\n\n\t1\n\tPeru\n\n\t2\n\tGambia\n\n\n"
    "See also 50-01.\n"
    "\t50-09\n\tSG17 to liaise\n\tOngoing\n\t\n\t\n\n\t\n\tLiaison sent.\n\n"
)


def test_a_table_nested_in_a_status_cell_becomes_lines_of_it() -> None:
    (table,) = read_text_export(NESTED)
    assert isinstance(table, Table)
    assert table.rows == [
        ["50-08", "TSBDir to organize clinics", "Ongoing", "√", ""],
        ["", "Clinics held:\nNo. | Country\n1 | Peru\n2 | Gambia\nSee also 50-01."],
        ["50-09", "SG17 to liaise", "Ongoing", "", ""],
        ["", "Liaison sent."],
    ]


def test_rows_of_another_shape_are_not_folded() -> None:
    # A five-cell status row, then an action whose id is missing: no nested table.
    text = "\t\n\tstatus\n\t\n\t\n\t\n\n\t\n\tother\n\tOngoing\n\n\nAfter\n"
    blocks = read_text_export(text)
    assert blocks == [
        Table([["", "status", "", "", ""], ["", "other", "Ongoing"]], 1),
        Paragraph("After", 12),
    ]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("Résumé – 50-18\r\n\tA\r\n\tB\n".encode(), "Résumé – 50-18\r\n\tA\r\n\tB\n"),
        (b"\xef\xbb\xbfTitle\n\tcell\n", "Title\n\tcell\n"),
        ("Café – Word\n\tx\r\n".encode("cp1252"), "Café – Word\n\tx\r\n"),
        ("UTF-16 – export\r\n\tcell\r\n".encode("utf-16"), "UTF-16 – export\r\n\tcell\r\n"),
    ],
)
def test_bytes_read_line_by_line_read_as_the_whole_text(data: bytes, text: str) -> None:
    """UTF-8 (with or without its BOM) and cp1252 exports are decoded a line at a time (a
    large plan is not held whole as text); the blocks are those of the decoded text."""
    assert read_blocks(data) == (read_text_export(text), "text")
