"""Reading the plan: items by id or alias, by Resolution, and as plain data.

Every reader works on one edition: the current one unless it is named.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from bot.plan.editions import current_edition
from bot.plan.ids import canonical_id
from bot.store.models import ActionItem, ItemAlias, Resolution, StatusUpdate


def plan_is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(ActionItem))


def all_items(
    session: Session, *, include_obsolete: bool = True, edition: str | None = None
) -> list[ActionItem]:
    query = (
        select(ActionItem)
        .where(ActionItem.edition == (edition or current_edition(session)))
        .options(selectinload(ActionItem.resolution))
        .order_by(ActionItem.appendix != "", ActionItem.appendix, ActionItem.position)
    )
    if not include_obsolete:
        query = query.where(ActionItem.appendix == "")
    return list(session.scalars(query))


def find_item(session: Session, text: str, *, edition: str | None = None) -> list[ActionItem]:
    """Items an id names in one edition: the active item, active items listing it as
    an earlier number (alias), then obsolete items of older plans with that number."""
    code = canonical_id(text)
    if code is None:
        return []
    edition = edition or current_edition(session)
    rows = list(
        session.scalars(
            select(ActionItem)
            .where(ActionItem.code == code, ActionItem.edition == edition)
            .options(selectinload(ActionItem.resolution))
            .order_by(ActionItem.appendix)
        )
    )
    return _in_order(rows, _by_alias(session, code, edition))


def _in_order(named: list[ActionItem], listing: list[ActionItem]) -> list[ActionItem]:
    """What :func:`find_item` gives: the active items ``named`` by the number, the
    active items ``listing`` it as an earlier number, then the obsolete ones of each."""
    listing = [item for item in listing if item not in named]
    return [
        *[item for item in named if not item.obsolete],
        *[item for item in listing if not item.obsolete],
        *[item for item in named if item.obsolete],
        *[item for item in listing if item.obsolete],
    ]


def item_by_key(
    session: Session, code: str, appendix: str, edition: str | None = None
) -> ActionItem | None:
    """The one row of an item: active (``appendix`` empty) or of an older plan, in an
    edition (the current one unless named)."""
    return session.scalar(
        select(ActionItem).where(
            ActionItem.code == code,
            ActionItem.appendix == appendix,
            ActionItem.edition == (edition or current_edition(session)),
        )
    )


def _by_alias(session: Session, code: str, edition: str) -> list[ActionItem]:
    """The items of an edition listing ``code`` as an earlier number (by the indexed
    ``item_aliases``)."""
    return list(
        session.scalars(
            select(ActionItem)
            .join(ItemAlias, ItemAlias.item_id == ActionItem.id)
            .where(ItemAlias.code == code, ActionItem.edition == edition)
            .options(selectinload(ActionItem.resolution))
            .order_by(ActionItem.appendix != "", ActionItem.position)
        )
    )


def in_other_editions(session: Session, code: str, edition: str) -> list[ActionItem]:
    """The active items other editions numbered ``code``, newest edition first."""
    return list(
        session.scalars(
            select(ActionItem)
            .where(ActionItem.code == code, ActionItem.appendix == "")
            .where(ActionItem.edition != edition)
            .options(selectinload(ActionItem.resolution))
            .order_by(ActionItem.edition.desc())
        )
    )


def item_and_namesakes(
    session: Session, code: str, edition: str
) -> tuple[list[ActionItem], list[ActionItem]]:
    """``find_item(code, edition)`` and ``in_other_editions(code, edition)``, read in one
    query with their Resolutions (what ``/action 50-18`` shows, asked on every lookup).

    ``code`` is canonical (:func:`canonical_id`).  When the only items found list
    ``code`` as an earlier number, the other editions are asked for theirs instead
    (what :func:`bot.plan.lookup.answer` shows with them)."""
    rows = session.execute(_namesakes(), {"code": code, "edition": edition}).all()
    named = [item for item, _ in rows if item.code == code and item.edition == edition]
    listing = sorted(
        (item for item, by_alias in rows if by_alias and item.edition == edition),
        key=lambda item: (item.appendix != "", item.position),
    )
    found = _in_order(named, listing)
    if found and found[0].code != code:
        return found, in_other_editions(session, found[0].code, edition)
    others = sorted(
        (
            item
            for item, _ in rows
            if item.code == code and item.appendix == "" and item.edition != edition
        ),
        key=lambda item: item.edition,
        reverse=True,
    )
    return found, others


@cache
def _namesakes() -> Select[ActionItem, bool]:
    """The items numbered ``:code`` in any edition, and those of ``:edition`` listing it
    (``by_alias``); built once, as every lookup asks it."""
    code: BindParameter[str] = bindparam("code")
    edition: BindParameter[str] = bindparam("edition")
    aliased = ActionItem.id.in_(select(ItemAlias.item_id).where(ItemAlias.code == code))
    return (
        select(ActionItem, aliased.label("by_alias"))
        .where(or_(ActionItem.code == code, and_(aliased, ActionItem.edition == edition)))
        .options(joinedload(ActionItem.resolution))
        .order_by(ActionItem.appendix)
    )


def resolution_items(
    session: Session, key: str, *, edition: str | None = None
) -> tuple[Resolution | None, list[ActionItem]]:
    resolution = session.scalar(
        select(Resolution).where(
            Resolution.key == key, Resolution.edition == (edition or current_edition(session))
        )
    )
    if resolution is None:
        return None, []
    items = session.scalars(
        select(ActionItem)
        .where(ActionItem.resolution_id == resolution.id)
        .order_by(ActionItem.appendix != "", ActionItem.position)
    )
    return resolution, list(items)


def history(session: Session, item: ActionItem, limit: int | None = None) -> list[StatusUpdate]:
    """An item's updates, newest first (the ``limit`` newest), with their messages."""
    return list(session.scalars(_history(limit or None), {"item_id": item.id}))


@cache
def _history(limit: int | None) -> Select[StatusUpdate]:
    """The updates of the item ``:item_id``; built once for each limit (every item card
    asks it)."""
    query = select(StatusUpdate).where(StatusUpdate.item_id == bindparam("item_id"))
    query = query.options(joinedload(StatusUpdate.message))
    query = query.order_by(StatusUpdate.created_at.desc(), StatusUpdate.id.desc())
    return query if limit is None else query.limit(limit)


def update_as_json(update: StatusUpdate) -> dict[str, Any]:
    return {
        "kind": update.kind,
        "text": update.words,
        "author": update.author,
        "author_id": update.author_id,
        "reporter_id": update.reporter_id,
        "source": update.source,
        "link": update.link,
        "documents": list(update.documents or []),
        "previous": dict(update.previous or {}),
        "created_at": update.created_at.isoformat(),
    }


def resolution_as_json(resolution: Resolution) -> dict[str, Any]:
    """A Resolution with its Section I row (who acts, collaborates, reports)."""
    return {
        "key": resolution.key,
        "edition": resolution.edition,
        "title": resolution.title,
        "action_by": resolution.action_by,
        "collaboration": resolution.collaboration,
        "report_to": resolution.report_to,
    }


def item_as_json(item: ActionItem) -> dict[str, Any]:
    return {
        "id": item.code,
        "edition": item.edition,
        "resolution": item.resolution.key,
        "title": item.resolution.title,
        "resolution_summary": resolution_as_json(item.resolution),
        "action": item.action,
        "milestone": item.milestone,
        "periodic_goals_met": item.periodic_goals_met,
        "completed": item.completed,
        "status": item.status,
        "aliases": list(item.aliases or []),
        "obsolete": item.obsolete,
        "appendix": item.appendix or None,
    }
