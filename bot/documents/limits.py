"""How much of a file a person gives the bot is read, and what is refused unread.

A plan or meeting document, a schedule file: each comes from a person's disk or
a download, and a wrong one (``/dev/zero``, a FIFO, a zip bomb, a YAML file
nested ten thousand levels deep) must end in one line saying why, not in a hang,
a traceback or gigabytes of memory.  Every cap is here; readers take a
:class:`Limits` argument so that tests can use small ones.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from bot.documents.blocks import DocumentError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    document_bytes: int = 20 * MB  # a plan or meeting document, .docx or text export
    schedule_bytes: int = 5 * MB  # a YAML or CSV schedule file
    part_bytes: int = 50 * MB  # one part of a .docx, uncompressed
    parts_bytes: int = 200 * MB  # all the parts of a .docx read, uncompressed
    # A part over a megabyte may unpack to at most this many times its packed size:
    # Word's parts unpack to 5-35 times, a zip bomb's to a thousand (Apache POI's rule).
    part_ratio: int = 100
    yaml_depth: int = 32  # a schedule file needs 7 levels (meetings, agenda, documents)


LIMITS = Limits()


class LimitError(DocumentError):
    """A file refused for its kind or size; ``str()`` is the one-line reason."""


def too_large(size: int, cap: int) -> LimitError:
    return LimitError(f"larger than {amount(cap)} ({size:,} bytes); refused")


def amount(size: int) -> str:
    """``20 MB``, ``20.5 MB`` or ``1,000 bytes``: a size as a person reads it."""
    if size < MB:
        return f"{size:,} bytes"
    return f"{size // MB} MB" if size % MB == 0 else f"{size / MB:.1f} MB"


def read_capped(path: Path, cap: int) -> bytes:
    """The bytes of a regular file of at most ``cap`` bytes; LimitError or OSError if not.

    The file is opened without blocking (a FIFO with no writer would hang a
    plain open) and checked to be a regular file before a byte is read, so a
    device, a FIFO or a folder is refused unread; at most ``cap + 1`` bytes are
    read, whatever the file's size says, since a file may grow while it is read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    try:
        mode = os.fstat(descriptor)
        if stat.S_ISDIR(mode.st_mode):
            raise LimitError("is a folder, not a file")
        if not stat.S_ISREG(mode.st_mode):
            raise LimitError(f"is not a regular file ({_kind(mode.st_mode)}); refused")
        if mode.st_size > cap:
            raise too_large(mode.st_size, cap)
    except BaseException:
        os.close(descriptor)
        raise
    with os.fdopen(descriptor, "rb") as handle:
        data = handle.read(cap + 1)
    if len(data) > cap:
        raise too_large(len(data), cap)
    return data


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"
