"""Tell a Word document from a text export by its bytes, whatever its name says."""

from __future__ import annotations

from collections.abc import Iterator

from bot.documents.blocks import Block, DocumentError
from bot.documents.limits import LIMITS, Limits, too_large
from bot.documents.text_export import read_text_export, read_text_lines

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BINARY_MAGICS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"{\\rtf", b"PK\x05\x06")
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # Word's "Unicode Text" export is UTF-16 with a BOM


def read_blocks(data: bytes, limits: Limits = LIMITS) -> tuple[list[Block], str]:
    """Blocks of a Word document or of its text export, told apart by their bytes."""
    if len(data) > limits.document_bytes:
        raise too_large(len(data), limits.document_bytes)
    if not data.strip():
        raise DocumentError("empty file")
    if data.startswith(ZIP_MAGIC):
        from bot.documents.docx_reader import read_docx

        return read_docx(data, limits), "docx"
    if data.startswith(OLE2_MAGIC):
        raise DocumentError("a legacy Word 97-2003 .doc file; save it as .docx first")
    if data.startswith(BINARY_MAGICS):
        raise DocumentError("not a Word document or a text export")
    if data.startswith(UTF16_BOMS):
        try:
            return read_text_export(data.decode("utf-16")), "text"
        except UnicodeDecodeError as error:
            raise DocumentError("a UTF-16 text export with invalid characters") from error
    if b"\x00" in data[:4096]:
        raise DocumentError("not a Word document or a text export")
    try:
        return read_text_lines(_decoded_lines(data, "utf-8")), "text"
    except UnicodeDecodeError:
        return read_text_lines(_decoded_lines(data, "cp1252")), "text"


def _decoded_lines(data: bytes, encoding: str) -> Iterator[str]:
    """The lines of an export in UTF-8 (without its BOM) or cp1252, decoded one at a time:
    a newline byte is a newline in both, so this is the whole file decoded then split,
    without the whole text in memory beside the bytes (UnicodeDecodeError for bad UTF-8)."""
    errors = "strict" if encoding == "utf-8" else "replace"
    start = len(UTF8_BOM) if encoding == "utf-8" and data.startswith(UTF8_BOM) else 0
    while (end := data.find(b"\n", start)) >= 0:
        yield data[start:end].decode(encoding, errors)
        start = end + 1
    yield data[start:].decode(encoding, errors)
