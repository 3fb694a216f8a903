"""Files a person gives are read only as far as the limits allow (bot.documents.limits).

Bombs are built at test time from repeated bytes; the limits are passed small where
the real ones would need hundreds of megabytes, and kept real where that is cheap
(a part whose header says 60 MB is refused before a byte of it is unpacked).
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path

import pytest

from bot.documents.blocks import DocumentError, Paragraph
from bot.documents.detect import read_blocks
from bot.documents.docx_reader import read_docx
from bot.documents.limits import LIMITS, MB, LimitError, Limits, amount, read_capped

OFFICE = Path(__file__).resolve().parents[1] / "data" / "office"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    b'2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/'
    b'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    b"</Relationships>"
)


def docx(body: bytes, filler: int = 0) -> bytes:
    """A minimal .docx whose body is ``body`` followed by ``filler`` bytes of whitespace
    (which compress a thousandfold, as a bomb's do)."""
    document = (
        f'<w:document xmlns:w="{W}"><w:body>'.encode()
        + body
        + b" " * filler
        + b"</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("_rels/.rels", RELS)
        package.writestr("word/document.xml", document)
    return out.getvalue()


PARAGRAPH = b"<w:p><w:r><w:t>Hello</w:t></w:r></w:p>"


def test_a_small_document_is_read_within_small_limits() -> None:
    small = Limits(part_bytes=10_000, parts_bytes=20_000)
    assert read_docx(docx(PARAGRAPH), small) == [Paragraph("Hello", 1)]


def test_a_part_larger_than_its_cap_is_refused() -> None:
    with pytest.raises(LimitError) as refused:
        read_docx(docx(PARAGRAPH, filler=20_000), Limits(part_bytes=10_000))
    assert str(refused.value) == "word/document.xml unpacks to more than 10,000 bytes; refused"


def claiming(data: bytes, size: int) -> bytes:
    """The package with the central directory giving word/document.xml ``size`` bytes."""
    patched = bytearray(data)
    entry = patched.rindex(b"word/document.xml") - 46  # its central directory header
    assert patched[entry : entry + 4] == b"PK\x01\x02"
    struct.pack_into("<I", patched, entry + 24, size)  # the uncompressed size it gives
    return bytes(patched)


def test_a_header_claiming_a_60_mb_part_is_refused_unread_at_the_real_cap() -> None:
    """Packing 60 MB for real would cost the suite a second; the header is what is read."""
    with pytest.raises(LimitError, match=r"word/document\.xml unpacks to more than 50 MB"):
        read_docx(claiming(docx(PARAGRAPH), 60 * MB))


def test_a_header_that_lies_about_the_size_does_not_unpack_more() -> None:
    """The central directory says 100 bytes; the member unpacks to 20,000: zipfile stops
    at the size it was told, and the CRC then says the package is corrupt."""
    data = claiming(docx(PARAGRAPH, filler=20_000), 100)
    with pytest.raises(DocumentError, match="truncated or corrupt"):
        read_docx(data, Limits(part_bytes=10_000))


def test_the_parts_together_are_capped() -> None:
    """crafted.docx: its styles part alone is 350 KB, each part under the cap."""
    data = (OFFICE / "crafted.docx").read_bytes()
    with pytest.raises(LimitError) as refused:
        read_docx(data, Limits(part_bytes=MB, parts_bytes=300_000))
    assert str(refused.value) == "its parts unpack to more than 300,000 bytes; refused"
    assert read_docx(data)  # and within the real limits it is read


def test_a_part_that_unpacks_a_hundredfold_is_a_bomb() -> None:
    """Under the part cap, but 2 MB of spaces from 2 KB: refused before it is parsed."""
    with pytest.raises(LimitError) as refused:
        read_docx(docx(PARAGRAPH, filler=2 * MB))
    assert "word/document.xml unpacks to over 100 times its packed size" in str(refused.value)


def test_a_document_over_the_document_cap_is_refused_before_it_is_read() -> None:
    with pytest.raises(LimitError, match=r"larger than 1,000 bytes \(1,001 bytes\)"):
        read_blocks(b"x" * 1001, Limits(document_bytes=1000))


def test_read_capped_reads_a_regular_file_up_to_its_cap(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(b"x" * 1000)
    assert read_capped(path, 1000) == b"x" * 1000
    with pytest.raises(LimitError, match=r"larger than 999 bytes \(1,000 bytes\); refused"):
        read_capped(path, 999)


def test_read_capped_trusts_the_size_on_disk_before_reading(tmp_path: Path) -> None:
    """A sparse file of 21 MB is refused by its size: nothing is read."""
    path = tmp_path / "big.docx"
    with path.open("wb") as handle:
        handle.truncate(21 * MB)
    with pytest.raises(LimitError, match=r"larger than 20 MB \(22,020,096 bytes\)"):
        read_capped(path, LIMITS.document_bytes)


def test_read_capped_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # no writer: a blocking open would hang here
    with pytest.raises(LimitError, match=r"^is not a regular file \(a pipe\); refused$"):
        read_capped(fifo, 100)
    with pytest.raises(LimitError, match=r"^is not a regular file \(a device\); refused$"):
        read_capped(Path("/dev/zero"), 100)
    with pytest.raises(LimitError, match=r"^is a folder, not a file$"):
        read_capped(tmp_path, 100)


def test_amounts_read_as_a_person_would_say_them() -> None:
    assert [amount(n) for n in (999, 20 * MB, 21 * MB // 2)] == ["999 bytes", "20 MB", "10.5 MB"]
