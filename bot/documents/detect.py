"""Tell a Word document from a text export by its bytes, whatever its name says."""

from __future__ import annotations

from bot.documents.blocks import Block, DocumentError
from bot.documents.limits import LIMITS, Limits, too_large
from bot.documents.text_export import read_text_export

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BINARY_MAGICS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"{\\rtf", b"PK\x05\x06")
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
    return read_text_export(_text(data)), "text"


def _text(data: bytes) -> str:
    """The text of an export: UTF-16 with a BOM, UTF-8 (with or without one), else cp1252."""
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise DocumentError("a UTF-16 text export with invalid characters") from error
    if b"\x00" in data[:4096]:
        raise DocumentError("not a Word document or a text export")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
