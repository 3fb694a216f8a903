"""Plans as real office software writes them: LibreOffice, pandoc, Word's "Unicode Text".

The files are in ``tests/data/office``, made by ``scripts/build_office_fixtures.py``
(which runs ``soffice`` and ``pandoc``); ``crafted.expected.json`` says what they
hold, written from the script's description of the plan, not by the readers.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from bot.documents.blocks import Block, DocumentError, Table
from bot.documents.detect import read_blocks
from bot.documents.docx_reader import read_docx
from bot.plan.importing import ImportFailed, import_bytes, load_plan
from bot.store.db import Database
from scripts.make_golden import record
from tests.plan.test_merge import snapshot
from tests.support.common import FixedClock

# On SQLite alone: this is about how office files are read or refused, not the database engine;
# the store's own tests run its way through PostgreSQL.
pytestmark = pytest.mark.sqlite_only

DATA = Path(__file__).parents[1] / "data"
OFFICE = DATA / "office"
CRAFTED = ["crafted.docx", "crafted.libreoffice.docx", "crafted.pandoc.docx", "crafted.unicode.txt"]
NOT_UNDERSTOOD = [
    "Resolution 50, 50-09: the Periodic goals met cell holds '✗', which is not understood; "
    "the value held is kept",
    "Resolution 50, 50-09: the Completed cell holds '2023?', which is not understood; "
    "the value held is kept",
    "Resolution 50, 50-10: the status row has more cells: '√', which is not understood; "
    "the value held is kept",
]


def document_xml(name: str) -> str:
    with zipfile.ZipFile(OFFICE / name) as archive:
        return archive.read("word/document.xml").decode("utf-8")


@pytest.mark.parametrize("name", CRAFTED)
def test_each_producer_s_file_reads_as_described(name: str) -> None:
    loaded = load_plan((OFFICE / name).read_bytes())
    expected = json.loads((OFFICE / "crafted.expected.json").read_text(encoding="utf-8"))
    assert [record(item) for item in loaded.plan.items] == expected
    assert [str(anomaly) for anomaly in loaded.plan.anomalies] == NOT_UNDERSTOOD
    assert loaded.kind == ("text" if name.endswith(".txt") else "docx")


def test_the_files_hold_what_their_producers_write() -> None:
    word, libre, pandoc = (document_xml(n) for n in CRAFTED[:3])
    assert word.count("<w:sym ") == 2
    assert "<w:sym " not in libre  # LibreOffice writes symbols as text in the symbol font
    assert re.search(r'w:ascii="Wingdings"[^>]*/>.*?<w:t>\uf0fc</w:t>', libre)
    assert re.search(r'w:ascii="Wingdings"[^>]*/>.*?<w:t>ü</w:t>', libre)
    assert re.search(r'w:ascii="Symbol"[^>]*/>.*?<w:t>Ö</w:t>', libre)
    for xml in (word, libre, pandoc):
        assert re.search(r'<w:gridSpan w:val="5"\s*/>', xml)  # a status row of one cell
        assert re.search(r'<w:vMerge w:val="restart"\s*/>', xml)  # an id cell merged down
        assert xml.count("<w:tbl>") == 2  # a table nested in a status cell
    for xml in (word, libre):
        assert "<w:delText>" in xml
        assert "<w:ins " in xml
    assert (OFFICE / "crafted.unicode.txt").read_bytes().startswith(b"\xff\xfe")


def test_a_nested_table_reads_the_same_from_word_and_from_the_text_export() -> None:
    def status(name: str) -> str:
        plan = load_plan((OFFICE / name).read_bytes()).plan
        return next(item.status for item in plan.items if item.id == "50-08")

    lines = status("crafted.libreoffice.docx").split("\n")
    assert lines[1:4] == ["No. | Country | Date", "1 | Peru | 2022", "2 | Gambia | 2023"]
    assert lines[-1] == "See also 50-01."
    assert {status(name) for name in CRAFTED} == {"\n".join(lines)}


def test_the_whole_plan_saved_by_libreoffice_reads_like_the_golden_record() -> None:
    xml = document_xml("plan.libreoffice.docx")
    assert "<w:sym " not in xml
    loaded = load_plan((OFFICE / "plan.libreoffice.docx").read_bytes())
    expected = json.loads((DATA / "wtsa20-items.json").read_text(encoding="utf-8"))
    got = [record(item) for item in loaded.plan.items]
    assert len(got) == len(expected) == 473
    for want, have in zip(expected, got, strict=True):
        assert have == want, want["id"]
    flags = sum(item.periodic_goals_met + item.completed for item in loaded.plan.items)
    assert flags == 289
    assert len(loaded.plan.anomalies) == 10


def test_the_seed_s_nested_table_reads_the_same_from_both_readers(plan_text: str) -> None:
    def status_89_07(blocks: list[Block]) -> str:
        for block in blocks:
            if not isinstance(block, Table):
                continue
            for row, following in zip(block.rows, block.rows[1:], strict=False):
                if row[0].strip().endswith("89-07"):
                    return following[1]
        raise AssertionError("no 89-07")

    from_text = status_89_07(read_blocks(plan_text.encode("utf-8"))[0])
    from_word = status_89_07(read_docx((OFFICE / "plan.libreoffice.docx").read_bytes()))
    assert "Country /Region | Organized jointly with | Date" in from_text
    assert "18 | Zimbabwe | Postal & Telecommunications Regulatory Authority (POTRAZ)" in from_text
    # The Word reader trims each line of a cell; the text export keeps a trailing space.
    assert from_word.split("\n") == [line.rstrip() for line in from_text.split("\n")]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_unicode_text_exports_read_like_utf_8(plan_text: str, encoding: str) -> None:
    word_style = plan_text.replace("\n", "\r\n")
    bom = {"utf-16": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[encoding]
    blocks, kind = read_blocks(bom + word_style.encode(encoding))
    assert kind == "text"
    assert blocks == read_blocks(plan_text.encode("utf-8"))[0]


def test_text_with_nul_bytes_and_no_bom_is_refused() -> None:
    with pytest.raises(DocumentError, match="not a Word document or a text export"):
        read_blocks("Section II".encode("utf-16-le"))


def with_doctype(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "word/document.xml":
                declaration, rest = body.split(b"?>", 1)
                body = declaration + b'?><!DOCTYPE w:document [<!ENTITY x "y">]>' + rest
            target.writestr(info, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_a_document_with_a_doctype_is_refused(
    db: Database, plan_text: str, clock: FixedClock
) -> None:
    data = with_doctype((OFFICE / "crafted.docx").read_bytes())
    with pytest.raises(DocumentError) as refused:
        read_docx(data)
    assert str(refused.value) == (
        "word/document.xml has a DOCTYPE declaration, which Word never writes; refused"
    )
    import_bytes(db, plan_text.encode(), "plan.txt", clock)
    before = snapshot(db)
    with pytest.raises(ImportFailed) as failed:
        import_bytes(db, data, "doctype.docx", clock)
    assert str(failed.value).startswith("doctype.docx: word/document.xml has a DOCTYPE")
    assert snapshot(db) == before
