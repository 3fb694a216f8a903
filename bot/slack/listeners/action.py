"""``/action``: look up the action plan by id, by Resolution or by words.

Replies are ephemeral and come in the acknowledgement itself, well within
Slack's three seconds; their buttons post the same view in the channel, page
through long lists, or open one item from a list of matches.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from sqlalchemy.orm import Session

from bot.meetings.changed import ChangeSpans
from bot.meetings.overdue import OverdueCheck
from bot.plan.editions import current_edition
from bot.plan.export.service import ExportError, ExportFile, ExportRefused, export_for
from bot.plan.lookup import Answer, AnswerKind, answer
from bot.plan.queries import item_by_key
from bot.plan.questions import answer_plan_question
from bot.plan.views import PAGE_BUTTON, POST_BUTTON, SHOW_BUTTON
from bot.render import Mrkdwn, Reply, ViewKind, escape, mrkdwn, read_spec
from bot.slack.listeners import follow
from bot.slack.listeners.buttons import respond_with_view
from bot.slack.services import Services

log = logging.getLogger(__name__)
UPLOAD_FAILED = "Sorry, Slack did not take the file just now. Try `/action export` again."
SORRY = "Sorry, that did not work: tsagbot could not read the action plan just now. Try again."


def register(app: App) -> None:
    app.command("/action")(handle_action_command)
    app.action(POST_BUTTON)(post_in_channel)
    app.action(PAGE_BUTTON)(show_page)
    app.action(SHOW_BUTTON)(show_item)


def action_reply(
    services: Services, text: str, *, command: str = "/action", page: int = 1
) -> Reply:
    """The reply to ``/action TEXT`` (the function the console and tests call too)."""
    views = services.views(command)
    with services.db.unit_of_work(write=False) as session:
        found = _answer(services, session, text)
        return views.for_answer(session, found, page=page)


def _answer(services: Services, session: Session, text: str) -> Answer:
    now, tz = services.clock(), services.settings.tz
    overdue, spans = OverdueCheck(session, now, tz), ChangeSpans(session, now, tz)
    return answer(
        session, lambda: services.search_index(session), text, overdue=overdue, spans=spans
    )


def plan_question_reply(services: Services, session: Session, text: str) -> Reply | None:
    """The answer to a question about the plan in words (who acts, open, overdue,
    progress: :mod:`bot.plan.questions`), or None when it is not one."""
    overdue = OverdueCheck(session, services.clock(), services.settings.tz)
    return answer_plan_question(session, text, views=services.views(), overdue=overdue)


def render_spec(
    services: Services, value: str, *, post: bool, shared_by: str | None = None
) -> Reply:
    """Render the view a button names (see :func:`bot.render.spec`)."""
    view = read_spec(value)
    kind, argument, page = view.kind, view.argument, view.page
    shared_by = shared_by or view.shared_by
    views = services.views()
    with services.db.unit_of_work(write=False) as session:
        if kind == ViewKind.ITEM:
            # [code, appendix, edition]; buttons made before editions name no edition.
            code, appendix, *edition = json.loads(argument)
            current = current_edition(session)
            item = item_by_key(session, code, appendix, edition[0] if edition else current)
            if item is None:
                return views.not_found(Answer(AnswerKind.NOT_FOUND, code))
            return views.item_card(
                session, item, also=[], post=post, shared_by=shared_by, current=current
            )
        found = _answer(services, session, argument)
        if kind == ViewKind.RESOLUTION and found.kind == AnswerKind.RESOLUTION:
            return views.resolution(found, page, post=post, shared_by=shared_by)
        if kind == ViewKind.SEARCH and found.kind == AnswerKind.SEARCH:
            return views.search(found, page=page, post=post, shared_by=shared_by)
        if kind == ViewKind.SEARCH and found.kind == AnswerKind.LIST:
            return views.item_list(found, page=page, post=post, shared_by=shared_by)
        if kind == ViewKind.SEARCH and found.kind == AnswerKind.ITEMS:
            return views.items(found, post=post, shared_by=shared_by)
        return views.for_answer(session, found)


def handle_action_command(
    ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    services: Services = context["services"]
    verb, _, rest = (command.get("text") or "").strip().partition(" ")
    if verb.lower() == "export":
        send_export(ack, respond, client, services, user=command["user_id"], argument=rest)
        return
    if verb.lower() in follow.VERBS:
        follow.answer_follow(ack, command, services, client, meetings=False)
        return
    try:
        reply = action_reply(services, command.get("text") or "", command=command["command"])
    except Exception:
        log.exception("/action %r failed", command.get("text"))
        ack(response_type="ephemeral", text=SORRY)
        return
    ack(response_type="ephemeral", blocks=reply.blocks, text=reply.text)


def send_export(
    ack: Ack, respond: Respond, client: WebClient, services: Services, *, user: str, argument: str
) -> None:
    """``/action export [docx|xlsx|csv]``: the file goes to the asker alone, in a DM."""
    exported, said = export_file(services, user=user, argument=argument)
    ack(response_type="ephemeral", text=said)
    if exported is not None and not send_by_dm(client, user, exported):
        respond(response_type="ephemeral", replace_original=False, text=UPLOAD_FAILED)


def export_file(
    services: Services, *, user: str, argument: str
) -> tuple[ExportFile | None, Mrkdwn]:
    """The plan exported for ``user`` (None when refused or impossible), and the line that
    tells them so (``/action export`` and the Home's *Export the plan* both say it)."""
    try:
        with services.db.unit_of_work() as session:
            exported = export_for(
                session,
                argument,
                user_id=user,
                editors=services.settings.editors,
                now=services.clock(),
            )
    except ExportRefused as error:
        return None, escape(str(error))
    except ExportError as error:
        return None, mrkdwn("Cannot export: {}.", str(error))
    return exported, mrkdwn("The action plan ({}) is sent to you in a DM.", exported.name)


def send_by_dm(client: WebClient, user: str, exported: ExportFile) -> bool:
    """Upload the file in a direct message to ``user``; False when Slack did not take it."""
    try:
        channel = client.conversations_open(users=user)["channel"]["id"]
        client.files_upload_v2(
            channel=channel,
            content=exported.data,
            filename=exported.name,
            title=exported.name,
            initial_comment=mrkdwn("The {} action plan, as tsagbot holds it.", exported.edition),
        )
    except (SlackClientError, OSError):
        log.exception("export: sending %s to %s failed", exported.name, user)
        return False
    return True


def _button_value(body: dict[str, Any]) -> str:
    return str(body["actions"][0]["value"])


def post_in_channel(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    """Post the ephemeral view for everyone in the channel, saying who shared it."""
    ack()
    services: Services = context["services"]
    user = body.get("user", {}).get("id", "")
    respond_with_view(
        respond,
        lambda: render_spec(services, _button_value(body), post=False, shared_by=user),
        in_channel=True,
    )


def show_page(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    """The next page of a list, in place: shared lists stay shared, private ones private."""
    ack()
    value = _button_value(body)

    def render() -> Reply:
        return render_spec(context["services"], value, post=not read_spec(value).shared_by)

    respond_with_view(respond, render, in_channel=False)


def show_item(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    """From a list of matches, open one item's card in place of the list."""
    ack()
    reply = action_reply(context["services"], _button_value(body))
    respond(replace_original=True, blocks=reply.blocks, text=reply.text)
