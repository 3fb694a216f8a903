"""The *Post an update* form: what its item picker offers, how a submitted form is read,
and what a message says when the form is opened from it.

A submitted form becomes the same :class:`ParsedMessage` a channel message gives, and
is recorded by the same use case (:func:`bot.plan.updates.intake.record`): the same
permission rule, history, Undo and edition. Its record is keyed like a message's, on
(workspace, channel, ts), where ``ts`` is ``view:<view id>`` (:func:`form_ts`), Slack's
id of the opened form: a submission Slack sends twice, or a double click, records once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.plan.ids import canonical_id, ids_in, normalize_dashes
from bot.plan.lookup import ITEM_PREFIX
from bot.plan.queries import find_item
from bot.plan.search import Document, SearchIndex
from bot.plan.updates.parse import ItemUpdate, ParsedMessage, extract_documents, parse_message
from bot.plan.updates.record import VERBS, active_item
from bot.store.vocabulary import UpdateKind

FORM_TS = "view:"
KINDS = {
    UpdateKind.COMPLETED: "Completed",
    UpdateKind.PERIODIC: "Periodic goals met",
    UpdateKind.NOTE: "Note",
    UpdateKind.REOPENED: "Reopened",
}
"""What happened, in the order the form offers it."""
MAX_ITEMS = 20
"""Items one form records; a list of them stays well within one confirmation."""
NOTE_LENGTH = 2000
DOCUMENTS_LENGTH = 300
SUGGESTIONS = 50
"""Options the item picker shows for what is typed (Slack takes 100)."""
OPTION_TEXT = 75
"""Slack's limit for an option's text."""
ID_START = re.compile(
    r"(?:(?:res(?:olution)?|r)\s*\.?\s*)?0*(?P<res>\d{1,3})(?:\s*[-./]\s*0*(?P<item>\d{0,2}))?",
    re.IGNORECASE,
)
"""An id being typed: ``50``, ``50-``, ``50-1``, ``r50``."""
DOCUMENT_SEPARATORS = re.compile(r"[,;\n]+")


class Field(StrEnum):
    """The form's inputs (their block and action ids), as its errors name them."""

    ITEMS = "update_items"
    KIND = "update_kind"
    NOTE = "update_note"
    DOCUMENTS = "update_documents"
    CONFIRM = "update_confirm"


class FormError(ValueError):
    """What a form says cannot be recorded: one line, shown under ``field``."""

    def __init__(self, field: Field, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class FormInput:
    """What a submitted form says, as typed and picked."""

    items: list[str]
    kind: str
    note: str = ""
    documents: str = ""


def form_ts(view_id: str) -> str:
    """The ``ts`` a form's record is kept under: one per opened form."""
    return f"{FORM_TS}{view_id}"


def is_form(ts: str) -> bool:
    """Whether a recorded "message" is a form (it has no message to react to)."""
    return ts.startswith(FORM_TS)


def read_form(session: Session, form: FormInput) -> ParsedMessage:
    """The updates a form records, as a channel message would give them.

    :class:`FormError` for a form that cannot be recorded: no item, an item no longer
    in the plan, a note without words, document references that name no document.
    """
    if not form.items:
        raise FormError(Field.ITEMS, "Pick at least one action item.")
    if len(form.items) > MAX_ITEMS:
        raise FormError(Field.ITEMS, f"At most {MAX_ITEMS} items at once.")
    try:
        kind = UpdateKind(form.kind)
    except ValueError:
        kind = None
    if kind not in KINDS:
        raise FormError(Field.KIND, "Say what happened.")
    codes = []
    for code in form.items:
        item = active_item(session, code)
        if item is None:
            raise FormError(Field.ITEMS, f"{code[:20]} is not an active item of the plan.")
        codes.append(item.code)
    codes = list(dict.fromkeys(codes))
    note = " ".join(form.note.split())
    if kind == UpdateKind.NOTE and not note:
        raise FormError(Field.NOTE, "Write the note to record.")
    documents = _documents(form.documents) + extract_documents(note)
    text = note or f"{', '.join(codes)} {VERBS[kind]}"
    return ParsedMessage(
        updates=[ItemUpdate(code, kind, text) for code in codes],
        documents=list(dict.fromkeys(documents)),
        mentioned=codes,
        text=text,
    )


def _documents(text: str) -> list[str]:
    found: list[str] = []
    for part in DOCUMENT_SEPARATORS.split(text):
        if not part.strip():
            continue
        named = extract_documents(part)
        if not named:
            raise FormError(
                Field.DOCUMENTS,
                f"“{part.strip()[:60]}” names no document; write TD206, C 91 or TSAG-TD206R1.",
            )
        found += named
    return found


def suggest(session: Session, index: SearchIndex, typed: str) -> list[Document]:
    """The items the picker offers for what is typed: the item an id (or an earlier
    number, an alias) names, the items whose id starts so (``50-1``), then the items
    citing a document (``TD206``), then a search of the words (typos forgiven)."""
    by_key = {document.key: document for document in index.documents}
    text = " ".join(normalize_dashes(typed).split())
    text = ITEM_PREFIX.sub("", text)
    if not text:
        return []
    keys: list[str] = []
    whole = canonical_id(text)
    for code in [whole] if whole else ids_in(text):
        keys += [item.code for item in find_item(session, code) if not item.obsolete]
    start = ID_START.fullmatch(text)
    if start is not None:
        head = f"{int(start['res']):02d}-"
        tail = start["item"] or ""
        keys += [key for key in by_key if key.startswith(head) and _continues(key, head, tail)]
    else:
        hits = index.citing(text, limit=SUGGESTIONS) or index.search(text, limit=SUGGESTIONS)
        keys += [hit.key for hit in hits]
    return [by_key[key] for key in dict.fromkeys(keys) if key in by_key][:SUGGESTIONS]


def _continues(key: str, head: str, tail: str) -> bool:
    """Whether the item number of ``key`` (``50-18``) starts as typed (``1``, ``01``)."""
    return key[len(head) :].lstrip("0").startswith(tail.lstrip("0"))


def option_text(document: Document) -> str:
    """``50-18 SG17, in close collaboration with…``, within an option's 75 characters."""
    words = " ".join(document.action.split())
    text = f"{document.key} {words}" if words else document.key
    return text if len(text) <= OPTION_TEXT else text[: OPTION_TEXT - 1].rstrip() + "…"


@dataclass(frozen=True)
class Prefill:
    """What a message says, as the form opened from it starts."""

    items: list[str] = field(default_factory=list)
    kind: UpdateKind = UpdateKind.NOTE
    note: str = ""
    documents: list[str] = field(default_factory=list)


def prefill(session: Session, text: str) -> Prefill:
    """The form's starting values for a message: the active items it names (those it
    records first), what it records (a note when it records nothing), its words as the
    note, its document references."""
    parsed = parse_message(text)
    named = [update.item for update in parsed.updates] + parsed.mentioned + parsed.question
    items = []
    for code in dict.fromkeys(named):
        item = active_item(session, code)
        if item is not None:
            items.append(item.code)
    kinds = [update.kind for update in parsed.updates]
    kind = kinds[0] if kinds else UpdateKind.NOTE
    notes = [update.text for update in parsed.updates if update.kind == UpdateKind.NOTE]
    note = notes[0] if kind == UpdateKind.NOTE and notes else parsed.text
    return Prefill(
        items=list(dict.fromkeys(items))[:MAX_ITEMS],
        kind=kind,
        note=note[:NOTE_LENGTH],
        documents=parsed.documents,
    )
