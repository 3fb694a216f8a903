"""Document references as their parts, and the address a configured template gives them.

References are read and normalised by :func:`bot.plan.updates.parse.extract_documents`
(``TD553R2``, ``TSAG-TD206``, ``SG3-C2``, ``TSB Circular 65``, ``COM17-R12``); here a
normalised name is split into the four parts ``TSAGBOT_DOCUMENT_URL`` may use:

``kind``
    ``TD``, ``C``, ``Circular``, or a COM document's letter (``R``, ``C``, ``D``).
``number``
    The number, as an integer (so ``{number:04d}`` pads it: ``0553``).
``revision``
    ``R2`` for a revision, empty for the first issue.
``group``
    ``TSAG`` unless the reference names a study group (``SG17``), ``TSB`` for a circular.

A name that is none of these has no address and is shown as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PLACEHOLDERS = ("kind", "number", "revision", "group")
DEFAULT_GROUP = "TSAG"

_TD_OR_C = re.compile(
    r"(?:(?P<group>TSAG|SG[0-9]{1,2})-)?(?P<kind>TD|C)(?P<number>[0-9]{1,4})"
    r"(?:-?R(?P<revision>[0-9]{1,2}))?(?:/[A-Z0-9/]+)?"
)
_CIRCULAR = re.compile(r"TSB Circular (?P<number>[0-9]{1,4})")
_COM = re.compile(r"COM(?P<group>[0-9]{1,2})-(?P<kind>[RCD])(?P<number>[0-9]{1,4})")


@dataclass(frozen=True)
class DocumentReference:
    kind: str
    number: int
    revision: str
    group: str


def parse_reference(name: str) -> DocumentReference | None:
    """The parts of a normalised reference; None for a name that is not one."""
    if match := _TD_OR_C.fullmatch(name):
        revision = f"R{int(match['revision'])}" if match["revision"] else ""
        group = match["group"] or DEFAULT_GROUP
        return DocumentReference(match["kind"], int(match["number"]), revision, group)
    if match := _CIRCULAR.fullmatch(name):
        return DocumentReference("Circular", int(match["number"]), "", "TSB")
    if match := _COM.fullmatch(name):
        return DocumentReference(match["kind"], int(match["number"]), "", f"SG{match['group']}")
    return None


def check_template(template: str) -> None:
    """ValueError unless ``template`` is an http(s) address whose only placeholders are
    the four parts (with format specs such as ``{number:04d}`` allowed)."""
    if not template.startswith(("http://", "https://")):
        raise ValueError("must be an http(s) URL")
    try:
        template.format(kind="TD", number=553, revision="R2", group="TSAG")
    except (KeyError, IndexError, ValueError) as error:
        raise ValueError(
            f"may use only {', '.join('{' + name + '}' for name in PLACEHOLDERS)} ({error})"
        ) from error


def document_url(template: str, name: str) -> str | None:
    """The address of the document ``name`` names; None without a template or a reference."""
    reference = parse_reference(name) if template else None
    if reference is None:
        return None
    try:
        return template.format(
            kind=reference.kind,
            number=reference.number,
            revision=reference.revision,
            group=reference.group,
        )
    except (KeyError, IndexError, ValueError):
        return None
