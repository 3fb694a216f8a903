"""Tell a Word document from a text export by its bytes, whatever its name says."""

from __future__ import annotations

import codecs
from collections.abc import Iterator

from bot.documents.blocks import Block, DocumentError
from bot.documents.limits import LIMITS, Limits, too_large
from bot.documents.text_export import lines_of, text_blocks

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BINARY_MAGICS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"{\\rtf", b"PK\x05\x06")
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # Word's "Unicode Text" export is UTF-16 with a BOM
CHECKED_AT_ONCE = 1 << 20
"""Bytes of an export checked to be UTF-8 at a time."""


def read_blocks(data: bytes, limits: Limits = LIMITS) -> tuple[list[Block], str]:
    """Blocks of a Word document or of its text export, told apart by their bytes."""
    blocks, kind = stream_blocks(data, limits)
    return list(blocks), kind


def stream_blocks(data: bytes, limits: Limits = LIMITS) -> tuple[Iterator[Block], str]:
    """:func:`read_blocks`, a text export's blocks read as they are taken: a reader that
    takes them one at a time never holds a large export's blocks all at once.  What the
    file is, and whether it can be read, is decided before the first block."""
    if len(data) > limits.document_bytes:
        raise too_large(len(data), limits.document_bytes)
    if not data.strip():
        raise DocumentError("empty file")
    if data.startswith(ZIP_MAGIC):
        from bot.documents.docx_reader import read_docx

        return iter(read_docx(data, limits)), "docx"
    if data.startswith(OLE2_MAGIC):
        raise DocumentError("a legacy Word 97-2003 .doc file; save it as .docx first")
    if data.startswith(BINARY_MAGICS):
        raise DocumentError("not a Word document or a text export")
    if data.startswith(UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise DocumentError("a UTF-16 text export with invalid characters") from error
        return text_blocks(lines_of(text)), "text"
    if b"\x00" in data[:4096]:
        raise DocumentError("not a Word document or a text export")
    encoding = "utf-8" if _is_utf8(data) else "cp1252"
    return text_blocks(_decoded_lines(data, encoding)), "text"


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8, checked a megabyte at a time (nothing kept)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), CHECKED_AT_ONCE):
            decoder.decode(view[start : start + CHECKED_AT_ONCE])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _decoded_lines(data: bytes, encoding: str) -> Iterator[str]:
    """The lines of an export in UTF-8 (without its BOM) or cp1252, decoded one at a time:
    a newline byte is a newline in both, so this is the whole file decoded then split,
    without the whole text in memory beside the bytes."""
    errors = "strict" if encoding == "utf-8" else "replace"
    start = len(UTF8_BOM) if encoding == "utf-8" and data.startswith(UTF8_BOM) else 0
    while (end := data.find(b"\n", start)) >= 0:
        yield data[start:end].decode(encoding, errors)
        start = end + 1
    yield data[start:].decode(encoding, errors)
