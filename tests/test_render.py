"""Nothing from a document, a schedule file or a person reaches Slack live.

Every template in ``bot/templates`` and every reply the bot builds is rendered
with a hostile corpus in each text it shows; no mention, channel link, special
mention or link with a label from the data may survive in any mrkdwn text object
or notification text, and every payload must be valid JSON within Slack's limits.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, get_type_hints
from zoneinfo import ZoneInfo

import pytest

import bot
from bot.meetings import questions as ask
from bot.meetings.merge import MeetingChange, Slot
from bot.meetings.queries import DueItem
from bot.meetings.questions import Answer as MeetingAnswer
from bot.meetings.questions import ItemStatus, Question, Window
from bot.meetings.views import Audience, MeetingViews, item_status_lines
from bot.plan.changes import ItemChange, Span
from bot.plan.filters import Changed, Filter, State
from bot.plan.lookup import Answer, AnswerKind
from bot.plan.search import Document, Hit, SearchIndex
from bot.plan.updates import replies
from bot.plan.updates.form import Prefill
from bot.plan.updates.intake import Undone, UndoStatus
from bot.plan.updates.parse import Silence
from bot.plan.updates.record import Change, IncomingMessage
from bot.plan.views import Progress, Views
from bot.posting import digest as digests
from bot.posting import follow_notices, meeting_changes, meeting_form, personal, update_form
from bot.posting.digest_text import render_digest
from bot.posting.follow_notices import FollowerGroup
from bot.posting.home import Home, home_view, undo_notice
from bot.posting.notices import reminder_post
from bot.posting.outbox import Post
from bot.posting.reminders import Reminder, ReminderKind
from bot.posting.rounds import messages as round_messages
from bot.posting.rounds.service import ItemState, RoundProgress
from bot.posting.update_form import Source, form_view
from bot.render import (
    MAX_TEXT,
    Blocks,
    Mrkdwn,
    Renderer,
    Reply,
    check_limits,
    chunk_lines,
    clip,
    count,
    escape,
    link,
    mention,
    mrkdwn,
    mrkdwn_to_text,
)
from bot.settings import Settings
from bot.store.db import Database
from bot.store.models import (
    ActionItem,
    AgendaItem,
    Follow,
    Meeting,
    ReportingRound,
    Resolution,
    SlackMessage,
    StatusUpdate,
)
from bot.store.vocabulary import FollowTopic, UpdateKind, UpdateSource
from tests.support.blockkit import assert_within_limits

# On SQLite alone: this is about that hostile text stays inert in every reply, not the database
# engine; the store's own tests run its way through PostgreSQL.
pytestmark = pytest.mark.sqlite_only

GENEVA = ZoneInfo("Europe/Zurich")
NOW = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
EVIL_URL = "https://evil.example/>|<!channel"
HOSTILE = (
    "<!channel> <!here> <!everyone> <@U0BOSS> <#C0SECRET> <!subteam^S0TEAM> "
    "<https://x.example|y> &lt;b&gt; & {{ 7 * 7 }} {% if 1 %}jinja{% endif %} "
    f'"quoted" \\ {EVIL_URL}'
)
"""Every kind of live Slack markup, an escape, a bare ampersand, Jinja and JSON syntax."""
SHARER = "U0SHARER"
GOOD_URL = "https://www.itu.int/go/irm"
PUBLIC_URL = "https://tsagbot.example"
DOCUMENT_URL = "https://docs.example/{group}/{kind}-{number:04d}{revision}"
"""``TSAGBOT_DOCUMENT_URL`` in the checks of every reply: each reference becomes a link."""
ALLOWED = re.compile(
    rf"!date\^\d+\^[{{}}a-z_ ]+\|[^<>|]*"  # a date token, its fallback text ours
    rf"|@{SHARER}"  # the person who shared a view (a Slack id)
    rf"|({re.escape(GOOD_URL)}|{re.escape(PUBLIC_URL)}/calendar\.ics)\|[^<>|]*"
    r"|https://docs\.example/[A-Z0-9]+/[A-Za-z]+-[0-9]{4}(R[0-9]+)?\|[^<>|]*"  # a document
)
BARE_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")
TEMPLATES = Path(bot.__file__).parent / "templates"


def mrkdwn_texts(node: Any) -> Iterator[str]:
    """Every mrkdwn text object of a payload (plain_text is not parsed for markup)."""
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
            yield node["text"]
        for value in node.values():
            yield from mrkdwn_texts(value)
    elif isinstance(node, list):
        for child in node:
            yield from mrkdwn_texts(child)


def assert_inert(text: str) -> None:
    """No ``<…>`` token but the bot's own, and no ``&`` that is not an escape."""
    for token in re.findall(r"<([^>]*)>?", text):
        assert ALLOWED.fullmatch(token), f"live markup <{token}> in {text!r}"
    assert not BARE_AMPERSAND.search(text), f"an unescaped & in {text!r}"


def assert_safe(blocks: Blocks, text: str) -> None:
    """The payload is JSON within Slack's limits, and nothing in it is live."""
    message = json.loads(json.dumps({"text": text or "-", "blocks": blocks}))
    check_limits(blocks)
    assert_within_limits(message)
    assert len(text) <= MAX_TEXT
    for shown in [text, *mrkdwn_texts(blocks)]:
        assert_inert(shown)


# -- the escaping functions ----------------------------------------------------------------


def test_escape_makes_markup_text_once() -> None:
    escaped = escape(HOSTILE)
    assert "<" not in escaped
    assert ">" not in escaped
    assert escape(escaped) == escaped  # mrkdwn already: not escaped twice
    assert mrkdwn_to_text(escaped) == HOSTILE
    assert mrkdwn("*{}* {}", "<!here>", Mrkdwn("<@U1>")) == "*&lt;!here&gt;* <@U1>"
    assert Mrkdwn(" · ").join(["a&b", Mrkdwn("<@U1>")]) == "a&amp;b · <@U1>"
    assert Mrkdwn("x") + "<y>" == "x&lt;y&gt;"


@pytest.mark.parametrize(
    "url",
    [
        EVIL_URL,
        "https://x.example/a b",
        "https://x.example/a|b",
        "https://x.example/a\nb",
        "https://x.example/\x07",
        "javascript:alert(1)",
        "ftp://x.example/file",
        "<!channel>",
        "https://" + "x" * 1000,
    ],
)
def test_a_link_is_live_only_for_a_clean_http_address(url: str) -> None:
    assert "<" not in link(url, "Join")
    assert "<" not in link(url)
    assert_inert(link(url))


def test_a_clean_address_is_a_live_link_with_an_escaped_label() -> None:
    assert link(GOOD_URL, "<!channel>") == f"<{GOOD_URL}|&lt;!channel&gt;>"
    assert link(GOOD_URL) == f"<{GOOD_URL}|{GOOD_URL}>"


def test_mentions_and_channels_only_from_slack_ids() -> None:
    assert mention("U0ABC") == "<@U0ABC>"
    assert mention("U0ABC> <!channel") == "U0ABC&gt; &lt;!channel"


def test_clipping_mrkdwn_never_cuts_an_escape_or_a_token() -> None:
    text = escape("a" * 8 + "&<>")  # aaaaaaaa&amp;&lt;&gt;
    for limit in range(2, len(text)):
        clipped = clip(text, limit)
        assert isinstance(clipped, Mrkdwn)
        assert not re.search(r"&[a-z]*…", clipped), clipped
    token = Mrkdwn(f"see <{GOOD_URL}|the page> now")
    assert clip(token, 20) == "see…"
    assert all(isinstance(chunk, Mrkdwn) for chunk in chunk_lines(["<!here>", token]))
    assert chunk_lines(["<!here>", token]) == [f"&lt;!here&gt;\n{token}"]


# -- every template -------------------------------------------------------------------------

H = HOSTILE
HEADER = clip(HOSTILE, 150)
BUTTONS = [{"label": "Undo", "action_id": "some_action", "value": H, "style": None}]
CONTEXTS: dict[str, dict[str, Any]] = {
    "digest.json.j2": {"message": {"header": HEADER, "period": H, "sections": [[H, H], [H]]}},
    "follow_notice.json.j2": {"view": {"title": H, "sections": [H, H], "more": H, "footer": H}},
    "meeting_change.json.j2": {"view": {"headline": H, "details": [H, H], "footer": H}},
    "follow_modal.json.j2": {"view": {"hint": H, "block": H}},
    "following.json.j2": {"view": {"title": H, "lines": [H, H], "footer": H}},
    "help.json.j2": {"command": H},
    "home.json.j2": {
        "view": {
            **dict.fromkeys(["intro", "following", "tsag", "follow_button", "follow_value"], H),
            **dict.fromkeys(["post_button", "post_value"], H),
            "meeting_buttons": BUTTONS,
            "export_buttons": BUTTONS,
            "round_buttons": BUTTONS,
            "round": {"title": H, "lines": [H, H]},
            **dict.fromkeys(["remind_button", "remind_value", "notice", "undo_button"], H),
            "remind_label": "Remind me by DM",  # the bot's own words, not data
            **{part: [H, H] for part in ["meetings", "deadlines", "due", "latest"]},
            "own": [{"text": H, "undo": H}, {"text": H, "undo": ""}],
        }
    },
    "round_request.json.j2": {
        "view": {
            **dict.fromkeys(["lead", "hint", "report_button", "nothing_new_button"], H),
            "nothing_new_value": H,
            "items": [{"text": H, "value": H}, {"text": H, "value": H}],
        }
    },
    "round_summary.json.j2": {"sections": [H, H]},
    "item_card.json.j2": {
        "card": {
            **dict.fromkeys(["obsolete", "edition_note", "action", "milestone", "periodic"], H),
            "header": HEADER,
            **dict.fromkeys(["completed", "aliases", "status", "see_also", "footer"], H),
            "updates": [H, H],
            "buttons": BUTTONS,
        }
    },
    "meetings_card.json.j2": {
        "card": {
            **dict.fromkeys(["documents", "due_count", "source", "footer"], H),
            "header": HEADER,
            "fields": [(H, H), (H, H)],
            "agenda": [H, H],
            "due": [H, H],
            "buttons": BUTTONS,
        }
    },
    "meeting_chooser.json.j2": {
        "view": {"intro": H, "block": H, "options": [{"value": H, "text": H}]}
    },
    "meeting_modal.json.j2": {
        "view": {
            "intro": H,
            "fields": [
                {
                    **dict.fromkeys(["key", "label", "placeholder", "value"], H),
                    "optional": optional,
                    "multiline": optional,
                    "options": options,
                }
                for optional, options in [(True, []), (False, [{"value": H, "text": H}])]
            ],
        }
    },
    "meetings_help.json.j2": {"command": H, "footer": H},
    "meetings_list.json.j2": {
        "view": {
            **dict.fromkeys(["note", "intro", "deadlines_title", "footer"], H),
            "header": HEADER,
            "meetings": [{"text": H, "uid": H}],
            "deadlines": [{"text": H, "uid": ""}],
            "notes": [H],
            "buttons": BUTTONS,
        }
    },
    "not_found.json.j2": {"view": {"text": H, "hint": H}},
    "plan_answer.json.j2": {"view": {"header": HEADER, "chunks": [H, H], "footer": H}},
    "reminder.json.j2": {
        "notice": {
            "headline": H,
            "details": [H, H],
            "agenda": [H],
            "documents": [H, H],
            "due": [H],
            "buttons": BUTTONS,
            "footer": H,
        }
    },
    "resolution.json.j2": {
        "view": {
            **dict.fromkeys(["summary", "section_one", "footer"], H),
            "header": HEADER,
            "chunks": [H, H],
            "buttons": BUTTONS,
        }
    },
    "search.json.j2": {
        "view": {
            "title": H,
            "hits": [{"text": H, "code": H}],
            "show": True,
            "footer": H,
            "buttons": BUTTONS,
        }
    },
    "update_confirmation.json.j2": {
        "view": {"lead": H, "text": H, "footer": H, "buttons": BUTTONS}
    },
    "update_modal.json.j2": {
        "view": {
            "intro": H,
            **{f"{name}_block": H for name in ["items", "kind", "note", "documents", "confirm"]},
            **dict.fromkeys(["max_items", "note_length", "documents_length"], 10),
            "initial_items": [{"value": H, "text": H}],
            "kinds": [{"value": H, "text": H}],
            "initial_kind": {"value": H, "text": H},
            **dict.fromkeys(["initial_note", "initial_documents", "initial_channel"], H),
        }
    },
}


def test_every_template_has_a_hostile_context() -> None:
    """A new template must be added here, and so is checked like the others."""
    assert sorted(CONTEXTS) == sorted(path.name for path in TEMPLATES.glob("*.json.j2"))


@pytest.mark.parametrize("template", sorted(CONTEXTS))
def test_a_template_escapes_whatever_it_is_given(template: str) -> None:
    blocks = Renderer().blocks(template, **CONTEXTS[template])
    assert_safe(blocks, "")
    texts = list(mrkdwn_texts(blocks))
    assert texts
    assert all("<" not in text and ">" not in text for text in texts)
    assert any(HOSTILE in mrkdwn_to_text(text) for text in texts) or template.startswith(
        ("help", "meetings_help")
    )
    button = [e for b in blocks for e in b.get("elements", []) if e.get("type") == "button"]
    assert all(e["value"] == H for e in button)  # a button's value is data, not mrkdwn


# -- every reply ------------------------------------------------------------------------------


def hostile_meeting(h: str, uid: str, *, link: str = EVIL_URL, kind: str = "") -> Meeting:
    start = NOW + timedelta(days=1, hours=3)
    return Meeting(
        uid=uid,
        name=h,
        kind=kind or h,
        start=start,
        end=start + timedelta(hours=3),
        all_day=False,
        timezone="Europe/Zurich",
        mode=h,
        place=h,
        link=link,
        deadline=NOW + timedelta(hours=10),
        documents=[h, "TSAG-TD1"],
        channel=h,
        source=h,
        evidence=h,
        series=h,
        created_at=NOW,
        updated_at=NOW,
        agenda=[AgendaItem(position=i, title=h, documents=[h]) for i in range(1, 4)],
    )


REFERENCES = "TSAG-TD 553R2, <C 91>, TD137/WP1|SG17-C5&COM17-R12 TSB Circular 65"
CORPORA = {
    "hostile": HOSTILE,
    "huge": "&<>|" * 2000 + HOSTILE,
    "documents": f"{REFERENCES} {HOSTILE} " * 30 + REFERENCES,
}
"""The corpus; a text that escaping makes five times longer; and one full of document
references, which become links (between hostile text, and cut in the middle): limits
hold and nothing but the bot's own links is live, either way."""


@pytest.fixture(params=list(CORPORA))
def h(request: pytest.FixtureRequest) -> str:
    return CORPORA[request.param]


@pytest.fixture
def item(memory_database_url: str, h: str) -> Iterator[tuple[Database, ActionItem]]:
    """A hostile item, its Resolution and its history, in a real database."""
    db = Database(memory_database_url)
    with db.unit_of_work() as session:
        resolution = Resolution(
            key="50", title=h, action_by=h, collaboration=h, report_to=h, edition="WTSA-24"
        )
        found = ActionItem(
            code="50-18",
            edition="WTSA-24",
            resolution=resolution,
            aliases=[h],
            action=h,
            milestone=h,
            status=h,
        )
        old = ActionItem(
            code="50-18", edition="WTSA-24", appendix=h[:64], resolution=resolution, action=h
        )
        session.add_all([resolution, found, old])
        session.flush()
        for number, url in enumerate([EVIL_URL, GOOD_URL, h]):
            session.add(
                StatusUpdate(
                    item_id=found.id,
                    kind=UpdateKind.NOTE,
                    text=h,
                    author=h[:255],
                    source=UpdateSource.SLACK,
                    link=url,
                    documents=[h, "TD553R2"],
                    created_at=NOW - timedelta(hours=number),
                )
            )
        session.commit()
    try:
        yield db, found
    finally:
        db.dispose()


def plan_replies(h: str, session: Any, item: ActionItem) -> list[Reply]:
    views = Views(Renderer(DOCUMENT_URL), GENEVA)
    other = [i for i in item.resolution.items if i is not item]
    found = Answer(AnswerKind.ITEM, h, items=[item, *other], current="WTSA-24")
    resolution = Answer(
        AnswerKind.RESOLUTION, h, items=[item, *other], resolution=item.resolution, current=h
    )
    hits = [Hit(h[:16], 1.0, h, (h,)), Hit("50-18", 0.5, h, ())]  # a key is an item id
    wanted = Filter(State.OPEN, h, "SG17", h)
    listed = Answer(AnswerKind.LIST, h, items=[item, *other] * 30, filter=wanted)
    moved = Filter(State.OPEN, h, "SG17", h, Changed.THIS_WEEK)
    change = ItemChange(item.code, h, h, h, [h, h], 3)
    still = ItemChange(other[0].code if other else h, h, h, h, [], 2)
    changed = Answer(
        AnswerKind.LIST,
        h,
        items=[item, *other],
        filter=moved,
        changes={change.code: change, still.code: still},
        span=Span(NOW, NOW, h),
    )
    no_tsag = Filter(changed=Changed.SINCE_LAST_TSAG)
    return [
        views.for_answer(session, found),
        views.item_card(session, item, also=other, shared_by=SHARER, current=h),
        views.item_card(session, item, also=other, shared_by=h),
        views.resolution(resolution, 1, shared_by=SHARER),
        views.search(Answer(AnswerKind.SEARCH, h, hits=hits), shared_by=SHARER),
        views.items(
            Answer(
                AnswerKind.ITEMS,
                f"50-18 {h}",
                parts=[found, Answer(AnswerKind.NOT_FOUND, h, suggestions=[h])],
                current=h,
            ),
            shared_by=SHARER,
        ),
        views.not_found(Answer(AnswerKind.NOT_FOUND, h, suggestions=[h])),
        views.not_found(Answer(AnswerKind.NOT_FOUND, h)),
        views.help(),
        views.search(Answer(AnswerKind.SEARCH, h, hits=hits * 30), page=2),
        views.item_list(listed, page=1),
        views.item_list(listed, page=2, shared_by=SHARER),
        views.item_list(changed, shared_by=SHARER),
        views.item_list(Answer(AnswerKind.LIST, h, filter=no_tsag)),
        views.who_acts([("50-18", item), (h, None)]),
        views.progress(wanted, Progress(3, 1, 1, 1)),
        views.progress(Filter(), Progress(0, 0, 0, 0)),
    ]


def meeting_replies(h: str) -> list[Reply]:
    views = MeetingViews(Renderer(DOCUMENT_URL), GENEVA, NOW, public_url=PUBLIC_URL)
    meetings = [hostile_meeting(h, "a"), hostile_meeting(h, "b", link=GOOD_URL, kind="irm")]
    due = [DueItem(h, h, h)] * 20
    window = Window(NOW, NOW + timedelta(days=7), h)
    statuses = [
        ItemStatus("50-18", True, h, h, h, date(2026, 12, 1), h),
        ItemStatus(h, False),
        ItemStatus(h, False, obsolete=h),
    ]
    found: list[Reply] = []
    for audience in [
        Audience(None, private=False, shared_by=SHARER, note=h),
        Audience(ZoneInfo("Asia/Tokyo"), command=h, note=h),
        Audience(None, private=False, shared_by=h),
    ]:
        for kind, window_or_none in [
            (ask.OVERVIEW, None),
            (ask.NEXT_MEETING, None),
            (ask.DUE_AT_NEXT, None),
            (ask.DEADLINES, window),
            (ask.DEADLINES, None),
            (ask.MEETINGS, window),
            (ask.MEETINGS, None),
            (ask.HELP, None),
            (ask.UNKNOWN, None),
        ]:
            question = Question(kind, window=window_or_none, text=h)
            answer = MeetingAnswer(question, meetings, meetings, due, statuses, 2, True)
            found.append(views.for_answer(answer, audience))
        for kind in [ask.LAST_MEETING, *ask.ABOUT_A_MEETING]:
            for past in (False, True):
                question = Question(kind, text=h, past=past)
                found.append(views.for_answer(MeetingAnswer(question, meetings[::-1]), audience))
                found.append(views.for_answer(MeetingAnswer(question, meetings), audience))
                nothing = MeetingAnswer(question, last_known=meetings[0])
                found.append(views.for_answer(nothing, audience))
        for kind in [ask.NEXT_MEETING, ask.DUE_AT_NEXT, ask.OVERVIEW, ask.MEETINGS, ask.DEADLINES]:
            nothing = MeetingAnswer(Question(kind, text=h), last_known=meetings[0])
            found.append(views.for_answer(nothing, audience))
        changes = [ItemChange(h, h, h, "completed", [h] * 5, 6), ItemChange(h, h, h, h, [], 1)]
        for question in [Question(ask.CHANGES, text=h, body=h), Question(ask.CHANGES, text=h)]:
            changed = MeetingAnswer(question, changes=changes * 20, window=window)
            found.append(views.for_answer(changed, audience))
            found.append(views.for_answer(MeetingAnswer(question, window=window), audience))
            found.append(views.for_answer(MeetingAnswer(question), audience))
        unknown = MeetingAnswer(Question(ask.UNKNOWN, text=h), examples=[h, h, h])
        found.append(views.for_answer(unknown, audience))
        found.append(views.item_status(statuses, audience))
        found += [views.card(meeting, due, audience) for meeting in meetings]
    found += [views.gone(), views.help(), views.unknown_command(Question(ask.UNKNOWN, text=h))]
    return found


def posts(h: str) -> list[tuple[Blocks, str]]:
    renderer = Renderer(DOCUMENT_URL)
    found = []
    for meeting in [hostile_meeting(h, "a"), hostile_meeting(h, "b", link=GOOD_URL)]:
        for kind in ReminderKind:
            reminder = Reminder(NOW, kind, meeting, h, NOW + timedelta(days=1))
            post = reminder_post(renderer, reminder, now=NOW, tz=GENEVA, due=[DueItem(h, h, h)])
            found.append((post.blocks, post.text))
            reader = personal.Personal("U0READER", ZoneInfo("Asia/Tokyo"), reminder)
            post = personal.personal_post(
                renderer, reader, now=NOW, due_items=lambda _: [DueItem(h, h, h)]
            )
            found.append((post.blocks, post.text))
    for message in render_digest(renderer, hostile_digest(h)):
        found.append((message.blocks, message.text))
    notice = follow_notice(renderer, h)
    found.append((notice.blocks, notice.text))
    for change in hostile_changes(h):
        told = meeting_changes.notice(renderer, change, GENEVA)
        found.append((told.blocks, told.text))
    found.append((hostile_home(renderer, h), ""))
    found += [(post.blocks, post.text) for post in hostile_round_posts(renderer, h)]
    return found


def hostile_round(h: str, *, closed: bool = False) -> RoundProgress:
    """A round whose every text is ``h``, but its item codes: the plan's are at most 16
    characters (``<!here>&1`` is the most hostile of those)."""
    states = [
        ItemState("<!here>&1", h, h, h, (h, h), ""),
        ItemState("<!here>&2", h, h, h, (), "U0SHARER"),
        ItemState("<!here>&3", h, h, h, (), h),
        ItemState("<!here>&4", h, "", h, (), ""),
    ]
    return RoundProgress(7, h, NOW, NOW, NOW if closed else None, states)


def hostile_round_posts(renderer: Renderer, h: str) -> list[Post]:
    asked = ReportingRound(id=7, meeting_name=h, deadline=NOW + timedelta(days=9))
    state = hostile_round(h, closed=True)
    return [
        *round_messages.ask_posts(
            renderer, asked, h[:64], state.items, ["C0SG17"], tz=GENEVA, now=NOW
        ),
        *round_messages.ask_posts(
            renderer, asked, h[:64], state.items, ["U0TSB"], tz=GENEVA, now=NOW, reminder_days=2
        ),
        *round_messages.summary_posts(renderer, state, ["U0ADMIN"], where=h, tz=GENEVA),
    ]


def hostile_updates(h: str) -> list[StatusUpdate]:
    """A note and a flag change, everything in them hostile."""
    item = ActionItem(code=h, action=h, resolution=Resolution(key=h))
    return [
        StatusUpdate(
            id=n,
            item=item,
            kind=kind,
            text=h,
            author=h,
            author_id=h,
            link=link,
            channel="C9",
            created_at=NOW,
            source=UpdateSource.SLACK,
        )
        for n, (kind, link) in enumerate(
            [(UpdateKind.NOTE, EVIL_URL), (UpdateKind.COMPLETED, GOOD_URL)], start=1
        )
    ]


def hostile_changes(h: str) -> list[MeetingChange]:
    """A meeting moved (to a new place and link), one given new details, one called off."""
    before = Slot(NOW, NOW + timedelta(hours=2), False, "Europe/Zurich", h, EVIL_URL, NOW)
    moved = Slot(NOW + timedelta(days=1), NOW + timedelta(days=2), True, h, h[::-1], GOOD_URL, NOW)
    elsewhere = Slot(NOW, NOW + timedelta(hours=2), False, h, h[::-1], h, NOW)
    return [MeetingChange(h, h, h, h, before, after) for after in (moved, elsewhere, None)]


def follow_notice(renderer: Renderer, h: str) -> Post:
    """A follower's notice of hostile updates, following a hostile Resolution."""
    follow = Follow(follower="C1", topic=FollowTopic.RESOLUTION, target=h, created_at=NOW)
    group = FollowerGroup("C1", False, [follow])
    post = follow_notices.notice(renderer, group, hostile_updates(h), NOW)
    assert post is not None
    return post


def hostile_home(renderer: Renderer, h: str) -> Blocks:
    follows = [
        Follow(follower="U1", topic=FollowTopic.RESOLUTION, target=h, created_at=NOW),
        Follow(follower="U1", topic=FollowTopic.MEETING_KIND, target="irm", created_at=NOW),
    ]
    meetings = [hostile_meeting(h, "a"), hostile_meeting(h, "b", link=GOOD_URL)]
    home = Home(
        "U1",
        GENEVA,
        follows,
        meetings,
        meetings,
        meetings[0],
        [DueItem(h, h, h)] * 20,
        hostile_updates(h),
        hostile_updates(h),
        round=hostile_round(h),
    )
    for update in home.own:
        update.message = SlackMessage(id=update.id, user_id="U1", channel=h, ts=h)
        update.message_id = update.id
    taken_back = Undone(UndoStatus.UNDONE, hostile_confirmation_changes(h))
    blocks: Blocks = home_view(
        renderer, home, admin=True, editors=frozenset({"U1"}), notice=undo_notice(taken_back)
    )["blocks"]
    return blocks


def hostile_digest(h: str) -> digests.Digest:
    update = digests.ItemChange(h, (), 1, h, (h,), EVIL_URL, NOW)
    linked = digests.ItemChange(
        h, (digests.FlagChange.COMPLETED,), 3, h, (h, h, h, h), GOOD_URL, NOW
    )
    due = digests.DueEntry(h, h, date(2026, 12, 1), h, h, estimated=False)
    fell_due = digests.MilestoneDue(h, h, date(2026, 11, 16), False, (h, h))
    start = NOW + timedelta(days=2)
    meeting = digests.MeetingEntry(h, h, start, start + timedelta(hours=2), False, h, h, start)
    whole_day = digests.MeetingEntry(h, h, start, start + timedelta(days=2), True, h, h, None)
    return digests.Digest(
        GENEVA,
        NOW - timedelta(days=7),
        NOW,
        7,
        NOW - timedelta(days=30),
        14,
        14,
        updates=[digests.ResolutionUpdates(h, h, (update, linked))],
        completed=[digests.ItemEntry(h, h)],
        due_soon=[due],
        past_due=[fell_due, digests.MilestoneDue(h, "", date(2026, 11, 15), True, (h,))],
        past_due_before=3,
        milestones_before=2,
        stale=[
            digests.StaleEntry(h, h, NOW),
            digests.StaleEntry(h, h, NOW, by_document=True),
            digests.StaleEntry(h, h, None),
        ],
        meetings=[meeting, whole_day],
        deadlines=[meeting],
        progress=digests.Progress(10, 3, 2, 1),
        rounds=[hostile_round(h)],
    )


def hostile_confirmation_changes(h: str) -> list[Change]:
    """A flag change, an empty note and a note, on a hostile item."""
    return [
        Change(1, h, UpdateKind.COMPLETED, {"completed": False}, {"completed": True}),
        Change(2, h, UpdateKind.NOTE, {}, {}),
        Change(3, h, UpdateKind.NOTE, {}, {}, h),
    ]


def update_texts(h: str) -> list[tuple[Blocks, str]]:
    changes = hostile_confirmation_changes(h)
    renderer = Renderer(DOCUMENT_URL)
    confirmed = replies.confirmation(renderer, changes, 7)
    undone = replies.confirmation(renderer, changes, 7, undone_by=h)
    statuses = [
        ItemStatus(h, True, h, h, h, date(2026, 12, 1), h),
        ItemStatus(h, False),
        ItemStatus(h, False, obsolete=h),
    ]
    said = [
        replies.unknown_text([h, h], {h: [h, "50-1"]}),
        replies.unknown_text([h], {}, {h: h}),
        replies.nothing_recorded_text({h: Silence.NEGATED}),
        replies.deleted_text(changes),
        "\n".join(item_status_lines(statuses, markup=False)),
        "\n".join(item_status_lines(statuses)),
    ]
    return (
        [(confirmed.blocks, confirmed.text), (undone.blocks, undone.text)]
        + [([], text) for text in said]
        + form_texts(h, changes)
    )


def form_texts(h: str, changes: list[Change]) -> list[tuple[Blocks, str]]:
    """The *Post an update* form opened from a hostile message, and its confirmation."""
    renderer = Renderer()
    index = SearchIndex([Document(key="50-18", action=h, title=h, status=h)])
    start = Prefill(items=["50-18"], kind=UpdateKind.COMPLETED, note=h, documents=[h])
    source = Source(author=h, text=h, channel=h, link=EVIL_URL)
    view = form_view(renderer, index, start, source)
    assert len(view["blocks"]) <= 100
    incoming = IncomingMessage(
        team_id="T1",
        channel="C1",
        ts="view:V1",
        user_id=h,
        author=h,
        text=h,
        permalink=EVIL_URL,
        reporter_id=h,
    )
    confirmed = update_form.confirmation(renderer, changes, 7, incoming)
    settings = Settings(database_url="sqlite://", timezone="Europe/Zurich")
    meeting = hostile_meeting(h, "a")
    meeting.channel, meeting.timezone = "C0TSAG0001", "Europe/Zurich"
    meeting_views = [
        meeting_form.form_view(renderer, settings, meeting),
        meeting_form.form_view(renderer, settings),
        meeting_form.chooser_view(renderer, [meeting, hostile_meeting(h, "b")]),
    ]
    return [(view["blocks"], ""), (confirmed.blocks, confirmed.text)] + [
        (shown["blocks"], "") for shown in meeting_views
    ]


def test_every_reply_keeps_hostile_text_inert(h: str, item: tuple[Database, ActionItem]) -> None:
    db, found = item
    with db.unit_of_work() as session:
        shown = session.merge(found)
        answers = [(r.blocks, r.text) for r in plan_replies(h, session, shown)]
    answers += [(r.blocks, r.text) for r in meeting_replies(h)]
    answers += posts(h) + update_texts(h)
    for blocks, text in answers:
        assert_safe(blocks, text)
    everything = "\n".join(
        mrkdwn_to_text(text) for blocks, _ in answers for text in mrkdwn_texts(blocks)
    )
    if h == HOSTILE:  # shown as written: escaped once, not twice
        assert HOSTILE in everything
    assert f"<{GOOD_URL}|" in str(answers)  # and a clean address is still a link
    assert "<!date^" in str(answers)
    if h == HOSTILE:  # (the longer texts leave no room for what follows them)
        assert "<https://docs.example/TSAG/TD-0553R2|TD553R2>" in str(answers)  # a reference
    if h == CORPORA["documents"]:  # and references in what people wrote
        assert "<https://docs.example/SG17/C-0005|SG17-C5>" in str(answers)


def test_a_reply_escapes_its_notification_text() -> None:
    assert Reply([], "<!channel> & co").text == "&lt;!channel&gt; &amp; co"
    assert Reply([], mrkdwn("{} said", mention("U0ABC"))).text == "<@U0ABC> said"


REPLIES_CHECKED = {
    Views: {
        *("for_answer", "help", "item_card", "items", "resolution", "search", "not_found"),
        *("item_list", "who_acts", "progress"),
    },
    MeetingViews: {
        *("for_answer", "overview", "next_meeting", "due_at_next", "item_status", "deadlines"),
        *("meetings", "card", "gone", "help", "unknown_command", "mention_help"),
        *("none_ahead", "last_meeting", "about_a_meeting", "changes", "suggestions"),
    },
}


@pytest.mark.parametrize("views", list(REPLIES_CHECKED), ids=lambda views: views.__name__)
def test_every_reply_builder_is_in_the_hostile_check(views: type) -> None:
    """A new reply must be added to the hostile check above (and named here)."""
    builders = {
        name
        for name, function in vars(views).items()
        if not name.startswith("_")
        and callable(function)
        and get_type_hints(function).get("return") is Reply
    }
    assert builders == REPLIES_CHECKED[views]


def test_count_is_singular_only_for_one() -> None:
    assert [count(n, "meeting") for n in (0, 1, 2)] == ["0 meetings", "1 meeting", "2 meetings"]
    said = [count(n, "open action item is", "open action items are") for n in (1, 3)]
    assert said == ["1 open action item is", "3 open action items are"]
