"""Build the action plans that real office software writes, for the readers' tests.

``python scripts/build_office_fixtures.py [OUTDIR]`` (default ``tests/data/office``)
writes, from one small crafted plan (:data:`ITEMS`) and from the whole WTSA-20 plan:

* ``crafted.docx``: the crafted plan as Word writes it (python-docx and raw
  WordprocessingML): ticks as ``w:sym`` and as text in symbol fonts (private-use
  and plain letters), a status row spanning all five columns, id cells merged down
  into their status rows, a table nested in a status cell, tracked changes, and
  cells the reader must report instead of guessing;
* ``crafted.libreoffice.docx``: that file saved again by LibreOffice (``soffice``),
  which turns every ``w:sym`` into text in a symbol font;
* ``crafted.pandoc.docx``: the crafted plan written by pandoc from HTML;
* ``crafted.unicode.txt``: its text export as Word's "Unicode Text" writes it
  (UTF-16 with a BOM, CRLF), nested table included;
* ``crafted.expected.json``: what a faithful reading gives (from :data:`ITEMS`,
  not from the readers);
* ``plan.libreoffice.docx``: the whole plan (``build_docx_fixtures.py``, with its
  messy-Word variants) saved again by LibreOffice; it must read like
  ``tests/data/wtsa20-items.json``.

The outputs are committed, so the tests need neither LibreOffice nor pandoc.
Regenerate them after changing this script (needs ``soffice``, ``pandoc`` and the
seed, see ``build_docx_fixtures.py``).
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script, the repository is not on the path
    sys.path.insert(0, str(ROOT))

from scripts.build_docx_fixtures import (  # noqa: E402
    AUTHOR,
    DATE,
    Cell,
    Element,
    Row,
    add_paragraph,
    add_run,
    add_sym,
    build_plan_docx,
    load_seed_blocks,
    seed_path,
    sub,
    write_table,
)

OUTDIR = ROOT / "tests" / "data" / "office"
HEADER = ["Action Item", "Action", "Milestone", "Periodic goals met", "Completed"]
SECTION = "Section II - Progress on the implementation of the plan"
RESOLUTION = "Resolution 50 - Cybersecurity"


@dataclass(frozen=True)
class Mark:
    """A flag cell: how Word holds it (``kind``) and the text a faithful reader returns.

    ``kind`` is ``text`` (a run), ``font`` (a run in the symbol font ``font``),
    ``sym`` (``w:sym``), ``ins`` or ``del`` (a tracked insertion or deletion).
    """

    kind: str = "text"
    raw: str = ""
    font: str = ""
    read: str = ""  # what the reader gives; for the HTML and the text export too

    @property
    def shown(self) -> str:
        return "" if self.kind == "del" else self.read or self.raw

    @property
    def exported(self) -> str:
        """In a text export: a private-use character stays as it is (its font is lost)."""
        return self.raw if self.kind == "font" and "\uf000" <= self.raw <= "\uf0ff" else self.shown


NONE = Mark()


@dataclass(frozen=True)
class Item:
    id: str
    action: str
    goals: Mark
    completed: Mark
    status: Sequence[str | list[list[str]]]  # paragraphs, and tables nested in the cell
    layout: str = "span4"  # span4: id merged down; span5: one cell; extra: text beside it
    old_status: str = ""  # a status line deleted as a tracked change
    expected: dict[str, Any] = field(default_factory=dict)


def tick(kind: str, raw: str, font: str = "", read: str = "") -> Mark:
    return Mark(kind, raw, font, read)


ITEMS = [
    Item(
        "50-01",
        "SG17 to give this work high priority",
        tick("font", "\uf0fc", "Wingdings", "✓"),
        NONE,
        ["SG17 met twice a year."],
        expected={"periodic_goals_met": True, "completed": False},
    ),
    Item(
        "50-02",
        "TSBDir to maintain the ICT security roadmap",
        tick("font", "ü", "Wingdings", "✓"),
        tick("font", "Ö", "Symbol", "√"),
        ["Roadmap updated in May 2023.", "Next update planned."],
        layout="span5",
        expected={"periodic_goals_met": True, "completed": True},
    ),
    Item(
        "50-03",
        "SGs to evaluate Recommendations",
        tick("font", "\uf0d6", "Symbol", "√"),
        tick("font", "P", "Wingdings 2", "✓"),
        ["Done by all study groups."],
        layout="span5",
        expected={"periodic_goals_met": True, "completed": True},
    ),
    Item(
        "50-04",
        "TSB to organize workshops",
        tick("font", "a", "Webdings", "✓"),
        tick("sym", "F0D6", "Symbol", "√"),
        ["Workshop held in Geneva, 2-3 March 2023."],
        expected={"periodic_goals_met": True, "completed": True},
    ),
    Item(
        "50-05",
        "TSBDir to report progress annually to Council",
        tick("text", "☑"),
        tick("text", "✅"),
        ["Reported to Council 2023 (C23/12)."],
        expected={"periodic_goals_met": True, "completed": True},
    ),
    Item(
        "50-06",
        "SG17 to develop guidelines on personal data",
        tick("text", "✓"),
        tick("text", "✔"),
        ["Draft Supplement consented."],
        layout="span5",
        expected={"periodic_goals_met": True, "completed": True},
    ),
    Item(
        "50-07",
        "Regional groups to cooperate with regional organizations",
        tick("text", "x"),
        tick("text", "X"),
        ["SG17RG-AFR met in Cairo."],
        expected={"periodic_goals_met": True, "completed": True},
    ),
    Item(
        "50-08",
        "TSBDir to organize DFS security clinics",
        tick("sym", "F0FC", "Wingdings", "✓"),
        NONE,
        [
            "TSB organized DFS Security Clinics:",
            [["No.", "Country", "Date"], ["1", "Peru", "2022"], ["2", "Gambia", "2023"]],
            "See also 50-01.",
        ],
        expected={"periodic_goals_met": True, "completed": False},
    ),
    Item(
        "50-09",
        "SG17 to liaise with ISO/IEC JTC 1",
        tick("font", "û", "Wingdings", "✗"),
        tick("text", "2023?"),
        ["Liaison statements exchanged."],
        expected={"unread": ["periodic_goals_met", "completed"]},
    ),
    Item(
        "50-10",
        "TSB to maintain the security compendium",
        tick("text", "√"),
        NONE,
        ["Compendium updated."],
        layout="extra",
        expected={"periodic_goals_met": True, "completed": False, "unread": ["status"]},
    ),
    Item(
        "50-11",
        "SG17 to study quantum-safe cryptography",
        tick("del", "√"),
        tick("ins", "√"),
        ["Question 15/17 finished it in TD206."],
        old_status="Question 15/17 is studying it.",
        expected={"periodic_goals_met": False, "completed": True},
    ),
]


def status_lines(item: Item) -> list[str]:
    lines: list[str] = []
    for part in item.status:
        if isinstance(part, str):
            lines.append(part)
        else:
            lines.extend(" | ".join(cell for cell in row if cell) for row in part)
    return lines


def expected_records() -> list[dict[str, Any]]:
    records = []
    for item in ITEMS:
        record: dict[str, Any] = {
            "id": item.id,
            "resolution": "50",
            "action": item.action,
            "milestone": "Ongoing",
            "periodic_goals_met": False,
            "completed": False,
            "status": "\n".join(status_lines(item)),
            "aliases": [],
            "appendix": "",
            **item.expected,
        }
        if "status" in record.get("unread", []):
            record["status"] = ""
        records.append(record)
    return records


# ----------------------------------------------------------------------------- Word


def _mark_writer(mark: Mark) -> Any:
    def write(tc: Element) -> None:
        p = add_paragraph(tc)
        if mark.kind == "sym":
            add_sym(p, mark.font, mark.raw)
        elif mark.kind == "font":
            run = sub(p, "r")
            fonts = sub(sub(run, "rPr"), "rFonts")
            for slot in ("ascii", "hAnsi", "cs"):
                fonts.set(qn(f"w:{slot}"), mark.font)
            text = sub(run, "t")
            text.text = mark.raw
        elif mark.kind in ("ins", "del"):
            revision = sub(p, mark.kind, id="9" + str(ord(mark.kind[0])), author=AUTHOR, date=DATE)
            run = sub(revision, "r")
            text = sub(run, "delText" if mark.kind == "del" else "t")
            text.text = mark.raw
        elif mark.raw:
            add_run(p, mark.raw)

    return write


def _text_writer(text: str) -> Any:
    def write(tc: Element) -> None:
        add_run(add_paragraph(tc), text)

    return write


def _status_writer(item: Item) -> Any:
    def write(tc: Element) -> None:
        if item.old_status:
            p = add_paragraph(tc)
            sub(sub(sub(p, "pPr"), "rPr"), "del", id="801", author=AUTHOR, date=DATE)
            deleted = sub(sub(p, "del", id="802", author=AUTHOR, date=DATE), "r")
            sub(deleted, "delText").text = item.old_status
        for part in item.status:
            if isinstance(part, str) and item.old_status:
                add_run(sub(add_paragraph(tc), "ins", id="803", author=AUTHOR, date=DATE), part)
            elif isinstance(part, str):
                add_run(add_paragraph(tc), part)
            else:
                rows = [Row([Cell(_text_writer(text)) for text in row]) for row in part]
                write_table(tc, rows, len(part[0]), iter(range(900, 999)))

    return write


def _rows(item: Item) -> list[Row]:
    first = Row(
        [
            Cell(_text_writer(item.id)),
            Cell(_text_writer(item.action)),
            Cell(_text_writer("Ongoing")),
            Cell(_mark_writer(item.goals)),
            Cell(_mark_writer(item.completed)),
        ]
    )
    status = Cell(_status_writer(item))
    if item.layout == "span5":
        return [first, Row([Cell(status.write, span=5)])]
    first.cells[0].merge = "restart"
    below = Cell(_text_writer(""), merge="continue")
    if item.layout == "extra":
        extra = [Cell(_text_writer("")), Cell(_text_writer("√")), Cell(_text_writer(""))]
        return [first, Row([below, status, *extra])]
    return [first, Row([below, Cell(status.write, span=4)])]


def build_word(path: Path) -> None:
    document = docx.Document()
    body = document.element.body
    section = body.find(qn("w:sectPr"))  # must stay the body's last child
    body.remove(section)
    add_run(add_paragraph(body, "Heading1"), SECTION)
    add_run(add_paragraph(body, "Heading2"), RESOLUTION)
    add_run(add_paragraph(body), "resolves")
    rows = [Row([Cell(_text_writer(text)) for text in HEADER], header=True)]
    for item in ITEMS:
        rows.extend(_rows(item))
    write_table(body, rows, 5, iter(range(1, 800)))
    add_paragraph(body)
    body.append(section)
    document.save(str(path))


# ----------------------------------------------------------------------------- HTML and text


def _html_cell(text: str, attrs: str = "") -> str:
    return f"<td{attrs}>{html.escape(text)}</td>"


def _html_status(item: Item) -> str:
    parts = []
    for part in item.status:
        if isinstance(part, str):
            parts.append(f"<p>{html.escape(part)}</p>")
        else:
            rows = "".join("<tr>" + "".join(map(_html_cell, row)) + "</tr>" for row in part)
            parts.append(f"<table>{rows}</table>")
    return "".join(parts)


def plan_html() -> str:
    rows = ["<tr>" + "".join(f"<th>{html.escape(text)}</th>" for text in HEADER) + "</tr>"]
    for item in ITEMS:
        id_attrs = "" if item.layout == "span5" else ' rowspan="2"'
        cells = [item.id, item.action, "Ongoing", item.goals.shown, item.completed.shown]
        rows.append(
            "<tr>" + _html_cell(cells[0], id_attrs) + "".join(map(_html_cell, cells[1:])) + "</tr>"
        )
        status = _html_status(item)
        if item.layout == "span5":
            rows.append(f'<tr><td colspan="5">{status}</td></tr>')
        elif item.layout == "extra":
            rows.append(f"<tr><td>{status}</td><td></td><td>√</td><td></td></tr>")
        else:
            rows.append(f'<tr><td colspan="4">{status}</td></tr>')
    return (
        f"<html><body><h1>{SECTION}</h1><h2>{RESOLUTION}</h2><p>resolves</p>"
        f"<table>{''.join(rows)}</table></body></html>"
    )


def _export_status(item: Item) -> list[str]:
    """The status row as Word's text export writes it, nested table glued to the cell."""
    lines: list[str] = []
    for part in item.status:
        if isinstance(part, str):
            lines.append(("\t" if not lines else "") + part)
        else:
            for row in part:
                lines.extend("\t" + cell for cell in row)
                lines.append("")  # the end of a row
            lines.append("")  # the end of the nested table
    return lines


def plan_text_export() -> str:
    lines = [SECTION, RESOLUTION, "resolves", *("\t" + text for text in HEADER), ""]
    for item in ITEMS:
        flags = [item.goals.exported, item.completed.exported]
        lines.extend(["\t" + item.id, "\t" + item.action, "\tOngoing", *("\t" + f for f in flags)])
        lines.append("")
        if item.layout == "span5":
            lines.extend(_export_status(item))
        else:
            lines.extend(["\t", *_export_status(item)])
            if item.layout == "extra":
                lines.extend(["\t", "\t√", "\t"])
        lines.append("")
    return "\r\n".join(lines) + "\r\n"


# ----------------------------------------------------------------------------- producers


def libreoffice(source: Path, target: Path) -> None:
    """Open ``source`` in LibreOffice and save it as .docx at ``target``."""
    with tempfile.TemporaryDirectory() as work:
        profile = Path(work) / "profile"
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "docx:MS Word 2007 XML",
                "--outdir",
                work,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        shutil.move(Path(work) / (source.stem + ".docx"), target)


def pandoc(html_text: str, target: Path) -> None:
    subprocess.run(
        ["pandoc", "-f", "html", "-t", "docx", "-o", str(target)],
        input=html_text.encode("utf-8"),
        check=True,
        timeout=120,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("outdir", type=Path, nargs="?", default=OUTDIR)
    parser.add_argument("--seed", type=Path, default=None, help="the plan's text export")
    args = parser.parse_args(argv)
    seed = args.seed or seed_path()
    if seed is None or not seed.is_file():
        parser.error("no seed text export (give --seed or set TSAGBOT_PLAN_SEED)")
    for tool in ("soffice", "pandoc"):
        if shutil.which(tool) is None:
            parser.error(f"{tool} is not installed")
    out: Path = args.outdir
    out.mkdir(parents=True, exist_ok=True)
    build_word(out / "crafted.docx")
    libreoffice(out / "crafted.docx", out / "crafted.libreoffice.docx")
    pandoc(plan_html(), out / "crafted.pandoc.docx")
    (out / "crafted.unicode.txt").write_bytes(plan_text_export().encode("utf-16"))
    (out / "crafted.expected.json").write_text(
        json.dumps(expected_records(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    with tempfile.TemporaryDirectory() as work:
        word = Path(work) / "plan.docx"
        build_plan_docx(load_seed_blocks(seed), word, variants=True, spacing=3)
        libreoffice(word, out / "plan.libreoffice.docx")
    for path in sorted(out.iterdir()):
        print(f"{path.stat().st_size:>8}  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
