"""The Word reader, on real .docx files built by scripts/build_docx_fixtures.py."""

from __future__ import annotations

import importlib.util
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from bot.documents.blocks import Block, DocumentError, Paragraph, Table
from bot.documents.docx_reader import is_docx, read_docx

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_docx_fixtures.py"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_docx_fixtures", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


fixtures = _load_script()


def without_lines(blocks: list[Block]) -> list[Block]:
    return [Table(b.rows) if isinstance(b, Table) else Paragraph(b.text) for b in blocks]


def tables(blocks: list[Block]) -> list[Table]:
    return [block for block in blocks if isinstance(block, Table)]


def row_of(blocks: list[Block], first_line: str) -> tuple[list[str], list[str] | None]:
    """The row whose first cell starts with ``first_line``, and the row after it."""
    for table in tables(blocks):
        for index, row in enumerate(table.rows):
            if row and row[0].split("\n")[0] == first_line:
                following = table.rows[index + 1] if index + 1 < len(table.rows) else None
                return row, following
    raise AssertionError(f"no row for {first_line!r}")


def written(key: str, rest: str = "") -> list[str]:
    """The id as an id variant may have written it (plain, U+2011, en dash)."""
    return [key + rest, key.replace("-", "\u2011") + rest, key.replace("-", "–") + rest]


def row_for_id(blocks: list[Block], key: str) -> tuple[list[str], list[str] | None]:
    """Like row_of, whichever hyphen the id was written with."""
    for form in written(key):
        try:
            return row_of(blocks, form)
        except AssertionError:
            continue
    raise AssertionError(f"no row for {key!r}")


def source_statuses() -> dict[str, str]:
    """Item id -> status text, as the sample plan states them."""
    statuses = {}
    for table in tables(fixtures.sample_blocks()):
        for row, following in zip(table.rows, table.rows[1:], strict=False):
            key = fixtures.item_id(row)
            if key and len(following) == 2 and not following[0]:
                statuses[key] = fixtures.expected_cell(following[1])
    return statuses


@dataclass
class Sample:
    manifest: Any
    blocks: list[Block]
    data: bytes = field(repr=False)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    path = tmp_path_factory.mktemp("docx") / "sample.docx"
    manifest = fixtures.build_plan_docx(fixtures.sample_blocks(), path, spacing=1)
    data = path.read_bytes()
    return Sample(manifest, read_docx(data), data)


def document_xml(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")


# ----------------------------------------------------------------------------- the sample plan


def test_sample_reads_back_exactly_what_was_written(sample: Sample) -> None:
    manifest = sample.manifest
    blocks = sample.blocks
    assert without_lines(blocks) == manifest.expected


def test_every_variant_is_in_the_sample(sample: Sample) -> None:
    manifest = sample.manifest
    expected = {
        *fixtures.ID_VARIANTS,
        *fixtures.ALIAS_VARIANTS,
        *fixtures.CHECK_VARIANTS,
        *fixtures.ROW_VARIANTS,
        *fixtures.STATUS_VARIANTS,
        fixtures.STATUS_BULLETS,
        fixtures.STATUS_BR,
        fixtures.TABLE_SPLIT,
        fixtures.TABLE_SDT,
        fixtures.PARAGRAPH_SDT,
    }
    assert expected <= set(manifest.variants)


def test_merged_cells_appear_once_and_continuations_as_empty(sample: Sample) -> None:
    manifest = sample.manifest
    blocks = sample.blocks
    data = sample.data
    xml = document_xml(data)
    assert '<w:gridSpan w:val="4"/>' in xml
    assert "<w:vMerge/>" in xml
    first = tables(blocks)[0]
    assert first.rows[0] == [
        "Action Item",
        "Action",
        "Milestone",
        "Periodic goals met",
        "Completed",
    ]
    assert len(first.rows[1]) == 5
    assert first.rows[2] == [
        "",
        "SG17 met twice a year.\nIts work programme is at https://www.itu.int/sg17.",
    ]
    # python-docx's row.cells repeats the merged cells: 5 cells where the page shows 2.
    status_row = docx.Document(str(manifest.path)).tables[0].rows[2]
    assert len(status_row.cells) == 5


def test_status_rows_have_two_cells_everywhere(sample: Sample) -> None:
    blocks = sample.blocks
    for key in source_statuses():
        row, following = row_for_id(blocks, key)
        assert len(row) == 5
        assert following is not None
        assert len(following) == 2
        assert following[0] == ""


def test_ids_with_non_breaking_hyphen_and_en_dash(sample: Sample) -> None:
    manifest = sample.manifest
    blocks = sample.blocks
    data = sample.data
    assert "<w:noBreakHyphen/>" in document_xml(data)
    for key in manifest.ids("id-nbhyphen"):
        row, _ = row_of(blocks, key.replace("-", "\u2011"))
        assert row[0].split("\n")[0] == key.replace("-", "\u2011")
    for key in manifest.ids("id-endash"):
        row, _ = row_of(blocks, key.replace("-", "–"))
        assert row[0].split("\n")[0] == key.replace("-", "–")
    assert manifest.ids("id-nbhyphen")
    assert manifest.ids("id-endash")


def test_ids_behind_bookmarks_and_in_content_controls_read_plainly(sample: Sample) -> None:
    manifest = sample.manifest
    blocks = sample.blocks
    data = sample.data
    xml = document_xml(data)
    assert 'w:name="Item50_04"' in xml
    keys = manifest.ids("id-bookmark") + manifest.ids("id-cell-sdt")
    assert "50-04" in keys
    for key in keys:
        row, following = row_of(blocks, key)
        assert len(row) == 5
        assert following is not None
        assert following[0] == ""


def test_alias_ids_on_a_second_line(sample: Sample) -> None:
    manifest = sample.manifest
    blocks = sample.blocks
    assert manifest.ids("id-alias-paragraph") == ["54-04"]
    assert manifest.ids("id-alias-br") == ["54-05"]
    assert row_for_id(blocks, "54-04")[0][0] in written("54-04", "\n(44-14)")
    assert row_for_id(blocks, "54-05")[0][0] in written("54-05", "\n(44-21)")


@pytest.mark.parametrize(
    ("variant", "mark"),
    [
        ("check-check", "✓"),
        ("check-heavy", "✔"),
        ("check-x", "x"),
        ("check-sym-symbol", "√"),
        ("check-sym-wingdings", "✓"),
    ],
)
def test_check_marks(sample: Sample, variant: str, mark: str) -> None:
    manifest = sample.manifest
    blocks = sample.blocks
    assert manifest.ids(variant)
    for key in manifest.ids(variant):
        row, _ = row_for_id(blocks, key)
        assert mark in row[3:5]


def test_symbols_are_written_as_w_sym(sample: Sample) -> None:
    data = sample.data
    xml = document_xml(data)
    assert '<w:sym w:font="Symbol" w:char="F0D6"/>' in xml
    assert '<w:sym w:font="Wingdings" w:char="F0FC"/>' in xml


@pytest.mark.parametrize(
    "variant",
    [
        "status-hyperlink",
        "status-field",
        "status-complex-field",
        "status-ins",
        "status-del",
        "status-move",
        "status-run-sdt",
        "status-placeholder",
        "status-bullets",
        "status-br",
    ],
)
def test_status_text_survives_its_wrapping(sample: Sample, variant: str) -> None:
    manifest = sample.manifest
    blocks = sample.blocks
    statuses = source_statuses()
    keys = manifest.ids(variant)
    assert keys
    for key in keys:
        status = _status_of(blocks, key)
        assert status == statuses[key]


def _status_of(blocks: list[Block], key: str) -> str:
    _, following = row_for_id(blocks, key)
    assert following is not None
    assert len(following) == 2
    assert following[0] == ""
    return following[1]


def test_hidden_texts_are_in_the_file_but_not_read(sample: Sample) -> None:
    blocks = sample.blocks
    data = sample.data
    xml = document_xml(data)
    hidden = [
        fixtures.DELETED_TEXT,
        fixtures.MOVED_FROM_TEXT,
        fixtures.FIELD_CODE_TEXT,
        fixtures.PLACEHOLDER_TEXT,
    ]
    for text in hidden:
        assert text in xml
    assert "<w:delText" in xml
    assert "<w:instrText" in xml
    everything = repr(blocks)
    for text in hidden:
        assert text not in everything


def test_hyperlink_has_a_relationship(sample: Sample) -> None:
    manifest = sample.manifest
    data = sample.data
    assert 'r:id="rId' in document_xml(data)
    rels = zipfile.ZipFile(io.BytesIO(data)).read("word/_rels/document.xml.rels").decode()
    assert fixtures.HYPERLINK_URL in rels
    assert manifest.ids("status-hyperlink")


def test_line_breaks_in_a_status_become_newlines(sample: Sample) -> None:
    manifest = sample.manifest
    blocks = sample.blocks
    data = sample.data
    (key, *_) = manifest.ids("status-br")
    assert key == "50-01"
    assert _status_of(blocks, key) == (
        "SG17 met twice a year.\nIts work programme is at https://www.itu.int/sg17."
    )
    assert "<w:br/>" in document_xml(data)


def test_bullets_from_numbering_are_rendered_like_the_text_export(sample: Sample) -> None:
    manifest = sample.manifest
    blocks = sample.blocks
    data = sample.data
    assert manifest.ids("status-bullets")[0] == "50-02"
    assert '<w:numId w:val="90"/>' in document_xml(data)
    assert _status_of(blocks, "50-02") == (
        "· Roadmap updated in May 2023.\n· Next update planned.\n·"
    )


def test_split_table_gives_two_tables_each_with_the_header(sample: Sample) -> None:
    manifest = sample.manifest
    blocks = sample.blocks
    (key,) = manifest.ids("table-split")
    plan_tables = [t for t in tables(blocks) if t.rows and "Milestone" in t.rows[0]]
    assert len(plan_tables) == 3
    second = plan_tables[1]
    assert second.rows[0] == plan_tables[0].rows[0]
    assert second.rows[1] == row_for_id(blocks, key)[0]


def test_soft_hyphens_are_dropped(sample: Sample) -> None:
    manifest = sample.manifest
    blocks = sample.blocks
    data = sample.data
    assert "<w:softHyphen/>" in document_xml(data)
    key = manifest.ids("action-soft-hyphen")[0]
    assert key == "50-03"
    row, _ = row_of(blocks, key)
    assert row[1] == "SGs to evaluate existing and evolving Recommendations"


def test_line_is_the_ordinal_of_the_first_paragraph(sample: Sample) -> None:
    blocks = sample.blocks
    assert blocks[0] == Paragraph("Section II - Progress on the implementation of the plan", 1)
    assert blocks[1].line == 2
    assert isinstance(blocks[4], Paragraph)
    assert blocks[4].line == 5
    assert isinstance(blocks[5], Table)
    assert blocks[5].line == 6


# ----------------------------------------------------------------------------- small documents


def docx_bytes(body: str) -> bytes:
    """A python-docx document whose body is the given WordprocessingML."""
    document = docx.Document()
    body_element = document.element.body
    section = body_element.find(qn("w:sectPr"))
    for child in parse_xml(f"<w:body {nsdecls('w', 'r')}>{body}</w:body>"):
        section.addprevious(child)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def cell(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def test_tabs_breaks_and_carriage_returns() -> None:
    data = docx_bytes(
        "<w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t><w:cr/><w:t>d</w:t>"
        '<w:br w:type="page"/><w:t>e</w:t></w:r></w:p>'
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>x</w:t><w:tab/><w:t>y</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    )
    assert without_lines(read_docx(data)) == [Paragraph("a\tb\nc\nde"), Table([["x y"]])]


def test_symbols_map_to_unicode() -> None:
    runs = "".join(
        f'<w:r><w:sym w:font="{font}" w:char="{char}"/></w:r>'
        for font, char in [
            ("Symbol", "F0D6"),
            ("Wingdings", "F0FC"),
            ("Wingdings", "F0FE"),
            ("Symbol", "D6"),
            ("Symbol", "F061"),
            ("Arial", "2713"),
        ]
    )
    assert without_lines(read_docx(docx_bytes(f"<w:p>{runs}</w:p>"))) == [Paragraph("√✓✓√a✓")]


def font_run(text: str, ascii_font: str, other_font: str | None = None) -> str:
    fonts = f'w:ascii="{ascii_font}" w:hAnsi="{other_font or ascii_font}"'
    return f"<w:r><w:rPr><w:rFonts {fonts}/></w:rPr><w:t>{text}</w:t></w:r>"


@pytest.mark.parametrize(
    ("run", "text"),
    [
        (font_run("\uf0fc", "Wingdings"), "✓"),  # LibreOffice's re-save of w:sym
        (font_run("ü", "Wingdings"), "✓"),  # a typed letter in the font
        (font_run("\uf0d6", "Symbol"), "√"),
        (font_run("Ö", "Symbol"), "√"),
        (font_run("P", "Wingdings 2"), "✓"),
        (font_run("R", "WINGDINGS 2"), "✓"),
        (font_run("a", "Webdings"), "✓"),
        (font_run("û", "Wingdings"), "✗"),
        (font_run("\uf0b7", "Symbol"), "·"),  # unmapped: the character of the font's code
        (font_run("Ö", "Arial"), "Ö"),  # an ordinary font: the letter itself
        (font_run("ü", "Calibri", "Wingdings"), "✓"),  # not ASCII: the hAnsi font
        (font_run("a", "Calibri", "Webdings"), "a"),  # ASCII: the ascii font
        ("<w:r><w:t>ü</w:t></w:r>", "ü"),
    ],
)
def test_symbol_fonts_written_as_text_map_like_w_sym(run: str, text: str) -> None:
    assert read_docx(docx_bytes(f"<w:p>{run}</w:p>"))[0].text == text  # type: ignore[union-attr]


def test_a_deleted_paragraph_mark_joins_the_paragraphs_of_a_cell() -> None:
    deleted_mark = '<w:pPr><w:rPr><w:del w:id="1" w:author="a"/></w:rPr></w:pPr>'
    data = docx_bytes(
        "<w:tbl><w:tr><w:tc>"
        f'<w:p>{deleted_mark}<w:del w:id="2" w:author="a"><w:r><w:delText>old</w:delText>'
        '</w:r></w:del><w:ins w:id="3" w:author="a"><w:r><w:t>new </w:t></w:r></w:ins></w:p>'
        "<w:p><w:r><w:t>status</w:t></w:r></w:p><w:p><w:r><w:t>next</w:t></w:r></w:p>"
        "</w:tc></w:tr></w:tbl>"
    )
    assert without_lines(read_docx(data)) == [Table([["new status\nnext"]])]


def test_non_breaking_and_soft_hyphens() -> None:
    data = docx_bytes(
        "<w:p><w:r><w:t>50</w:t><w:noBreakHyphen/><w:t>18 co</w:t><w:softHyphen/>"
        "<w:t>operation</w:t></w:r></w:p>"
    )
    assert read_docx(data)[0] == Paragraph("50\u201118 cooperation", 1)


def test_what_is_read_and_what_is_not() -> None:
    data = docx_bytes(
        "<w:p>"
        '<w:hyperlink r:id="rId1"><w:r><w:t>link </w:t></w:r></w:hyperlink>'
        '<w:fldSimple w:instr=" PAGE "><w:r><w:t>simple </w:t></w:r></w:fldSimple>'
        '<w:smartTag w:uri="u" w:element="e"><w:r><w:t>smart </w:t></w:r></w:smartTag>'
        '<w:ins w:id="1" w:author="a"><w:r><w:t>inserted </w:t></w:r></w:ins>'
        '<w:del w:id="2" w:author="a"><w:r><w:delText>deleted </w:delText></w:r></w:del>'
        '<w:moveFrom w:id="3" w:author="a"><w:r><w:t>moved-away </w:t></w:r></w:moveFrom>'
        '<w:moveTo w:id="4" w:author="a"><w:r><w:t>moved-here </w:t></w:r></w:moveTo>'
        "<w:sdt><w:sdtPr/><w:sdtContent><w:r><w:t>control </w:t></w:r></w:sdtContent></w:sdt>"
        "<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr>"
        "<w:sdtContent><w:r><w:t>placeholder </w:t></w:r></w:sdtContent></w:sdt>"
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> REF x </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>result</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        "</w:p>"
    )
    assert read_docx(data)[0] == Paragraph(
        "link simple smart inserted moved-here control result", 1
    )


def test_nested_fields_show_only_the_outer_result() -> None:
    begin, sep, end = (
        f'<w:r><w:fldChar w:fldCharType="{k}"/></w:r>' for k in ("begin", "separate", "end")
    )
    data = docx_bytes(
        f"<w:p><w:r><w:t>a </w:t></w:r>{begin}<w:r><w:instrText>IF </w:instrText></w:r>"
        f"{begin}<w:r><w:instrText>PAGE</w:instrText></w:r>{sep}<w:r><w:t>inner</w:t></w:r>{end}"
        f"{sep}<w:r><w:t>outer</w:t></w:r>{end}<w:r><w:t> b</w:t></w:r></w:p>"
    )
    assert read_docx(data)[0] == Paragraph("a outer b", 1)


def test_grid_span_vmerge_hmerge_and_deleted_rows() -> None:
    restart, below = '<w:vMerge w:val="restart"/>', "<w:vMerge/>"
    span = '<w:gridSpan w:val="4"/>'
    h_restart, h_continue = '<w:hMerge w:val="restart"/>', "<w:hMerge/>"
    deleted = '<w:trPr><w:del w:id="1" w:author="a"/></w:trPr>'
    data = docx_bytes(
        "<w:tbl>"
        f"<w:tr>{cell('50-18', restart)}{cell('act')}{cell('m')}{cell('√')}{cell('')}</w:tr>"
        f"<w:tr>{cell('ignored', below)}{cell('status', span)}</w:tr>"
        f"<w:tr>{cell('a', h_restart)}{cell('gone', h_continue)}{cell('b')}</w:tr>"
        f"<w:tr>{deleted}{cell('deleted row')}</w:tr>"
        "</w:tbl>"
    )
    assert read_docx(data) == [
        Table([["50-18", "act", "m", "√", ""], ["", "status"], ["a", "b"]], 1)
    ]


def test_content_controls_and_custom_xml_around_rows_cells_and_blocks() -> None:
    data = docx_bytes(
        "<w:sdt><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>in a block control</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"
        '<w:customXml w:element="x"><w:p><w:r><w:t>in custom XML</w:t></w:r></w:p></w:customXml>'
        "<w:tbl>"
        "<w:sdt><w:sdtPr/><w:sdtContent>"
        f"<w:tr>{cell('row in control')}</w:tr>"
        "</w:sdtContent></w:sdt>"
        f"<w:tr><w:sdt><w:sdtPr/><w:sdtContent>{cell('cell in control')}</w:sdtContent></w:sdt>"
        f'<w:customXml w:element="c">{cell("cell in custom XML")}</w:customXml></w:tr>'
        "</w:tbl>"
    )
    assert without_lines(read_docx(data)) == [
        Paragraph("in a block control"),
        Paragraph("in custom XML"),
        Table([["row in control"], ["cell in control", "cell in custom XML"]]),
    ]


def test_cell_lines_are_trimmed_and_nested_tables_become_lines() -> None:
    nested = (
        f"<w:tbl><w:tr>{cell('1')}{cell('Peru')}</w:tr><w:tr>{cell('2')}{cell('')}</w:tr></w:tbl>"
    )
    data = docx_bytes(
        '<w:tbl><w:tr><w:tc><w:p/><w:p><w:r><w:t xml:space="preserve">  Workshops:   </w:t></w:r>'
        f"</w:p>{nested}<w:p/><w:p/></w:tc></w:tr></w:tbl>"
    )
    assert without_lines(read_docx(data)) == [Table([["  Workshops:\n1 | Peru\n2"]])]


def test_numbered_and_bulleted_paragraphs_get_their_labels() -> None:
    data = docx_bytes(
        '<w:p><w:pPr><w:pStyle w:val="ListNumber"/></w:pPr><w:r><w:t>first</w:t></w:r></w:p>'
        '<w:p><w:pPr><w:pStyle w:val="ListNumber"/></w:pPr><w:r><w:t>second</w:t></w:r></w:p>'
        "<w:tbl><w:tr><w:tc>"
        '<w:p><w:pPr><w:pStyle w:val="ListNumber"/></w:pPr><w:r><w:t>third</w:t></w:r></w:p>'
        "</w:tc></w:tr></w:tbl>"
        '<w:p><w:pPr><w:pStyle w:val="ListNumber"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr>'
        "<w:r><w:t>not numbered</w:t></w:r></w:p>"
    )
    assert without_lines(read_docx(data)) == [
        Paragraph("1.\tfirst"),
        Paragraph("2.\tsecond"),
        Table([["3. third"]]),
        Paragraph("not numbered"),
    ]


def test_empty_paragraphs_are_skipped() -> None:
    data = docx_bytes(
        "<w:p/><w:p><w:r><w:t>   </w:t></w:r></w:p><w:p><w:r><w:t>x</w:t></w:r></w:p>"
    )
    assert read_docx(data) == [Paragraph("x", 3)]


# ----------------------------------------------------------------------------- bad files


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.docx", "empty file"),
        ("not-word.docx", "not a Word document"),
        ("truncated.docx", "truncated or corrupt .docx"),
        ("corrupt.docx", "truncated or corrupt .docx"),
        ("zip-not-word.docx", "not a Word document"),
    ],
)
def test_bad_files_raise_document_error(tmp_path: Path, name: str, reason: str) -> None:
    paths = fixtures.build_bad_files(tmp_path)
    with pytest.raises(DocumentError) as raised:
        read_docx(paths[name].read_bytes())
    assert str(raised.value) == reason


def test_bad_file_reasons_in_the_script_match(tmp_path: Path) -> None:
    paths = fixtures.build_bad_files(tmp_path)
    assert set(paths) == {*fixtures.BAD_FILE_REASONS, fixtures.NO_TABLES}
    for name, reason in fixtures.BAD_FILE_REASONS.items():
        with pytest.raises(DocumentError, match=f"^{re.escape(reason)}$"):
            read_docx(paths[name].read_bytes())


def test_a_document_without_tables_reads_as_paragraphs(tmp_path: Path) -> None:
    data = fixtures.build_bad_files(tmp_path)[fixtures.NO_TABLES].read_bytes()
    assert without_lines(read_docx(data)) == [
        Paragraph("Action plan for implementation of WTSA-20 Resolutions"),
        Paragraph("This document has paragraphs only."),
        Paragraph("No action items."),
    ]


@pytest.mark.parametrize(
    ("members", "reason"),
    [
        ({"hello.txt": b"hi"}, "not a Word document"),
        ({"word/document.xml": b"<document/>"}, "not a Word document"),
        ({"word/document.xml": b"\xff\xfe not xml"}, "truncated or corrupt .docx"),
    ],
)
def test_odd_zips(members: dict[str, bytes], reason: str) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    with pytest.raises(DocumentError, match=f"^{re.escape(reason)}$"):
        read_docx(out.getvalue())


def test_a_damaged_member_is_a_corrupt_docx() -> None:
    data = bytearray(docx_bytes("<w:p><w:r><w:t>x</w:t></w:r></w:p>"))
    start = data.index(b"word/document.xml") + len("word/document.xml")
    data[start + 10 : start + 60] = b"\x00" * 50  # inside the compressed document.xml
    with pytest.raises(DocumentError, match=r"^truncated or corrupt \.docx$"):
        read_docx(bytes(data))


def test_is_docx_looks_at_content() -> None:
    assert is_docx(b"PK\x03\x04rest")
    assert not is_docx(b"%PDF-1.7")
    assert not is_docx(b"")


# ----------------------------------------------------------------------------- the real plan

SEED = fixtures.seed_path()


@pytest.mark.skipif(SEED is None, reason="the action plan's text export is not on this machine")
def test_whole_plan_reads_back_exactly(tmp_path: Path) -> None:
    """How fast it reads is measured by scripts/bench_import.py, not here."""
    assert SEED is not None
    manifest = fixtures.build_plan_docx(fixtures.load_seed_blocks(SEED), tmp_path / "plan.docx")
    blocks = read_docx(manifest.path.read_bytes())
    assert without_lines(blocks) == manifest.expected
    rows = sum(len(table.rows) for table in tables(blocks))
    assert rows > 850
    assert row_of(blocks, "54-04")[0][0] == "54-04\n(44-14)"
