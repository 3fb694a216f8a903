"""The parts a list label comes from (numbering and styles) are read strictly.

Without them a status text's bullets would silently drop out of an import, and a
re-import would rewrite every bulleted status: such a document is refused instead.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from bot.documents.blocks import DocumentError
from bot.documents.docx_reader import read_docx

OFFICE = Path(__file__).resolve().parents[1] / "data" / "office"
LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def rewritten(data: bytes, name: str, change: bytes) -> bytes:
    """The package with one part's XML declaration followed by ``change``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        assert name in source.namelist()
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == name:
                declaration, rest = body.split(b"?>", 1)
                body = declaration + b"?>" + change + rest
            target.writestr(info, body, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


@pytest.mark.parametrize("part", ["word/numbering.xml", "word/styles.xml"])
def test_a_doctype_in_numbering_or_styles_is_refused(part: str) -> None:
    data = rewritten((OFFICE / "crafted.docx").read_bytes(), part, LAUGHS)
    with pytest.raises(DocumentError) as refused:
        read_docx(data)
    assert (
        str(refused.value) == f"{part} has a DOCTYPE declaration, which Word never writes; refused"
    )


def test_an_unreadable_numbering_part_is_refused_not_skipped() -> None:
    data = rewritten((OFFICE / "crafted.docx").read_bytes(), "word/numbering.xml", b"<broken")
    with pytest.raises(DocumentError):
        read_docx(data)
