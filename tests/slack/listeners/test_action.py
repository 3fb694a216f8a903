"""``/action`` exactly as Slack sends it, to what ``tsagbot serve`` runs, in this process.

One server per module (:func:`tests.support.serving.in_process`: the database, the
Bolt app and the WSGI application that ``serve`` builds) on a fresh SQLite file, so
that it loads the bundled WTSA-20 plan first, with its Web API and every
``response_url`` pointed at a :class:`LocalWebApi` on loopback.  Every request is a
form-encoded body signed the way Slack signs it; every answer is checked for its
content and for Slack's Block Kit limits.  tests/e2e sends some of them over HTTP to
the real process.

The server's output is printed with a failing test (pytest's captured stderr).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import delete, select

from bot.posting.digest_text import CHANGED_HINT, OVERDUE_HINT
from bot.slack.local_api import Call, LocalWebApi
from bot.slack.requests import (
    FORM,
    JSON,
    block_action_payload,
    interaction_body,
    sign,
    slash_command_body,
    url_verification_body,
)
from bot.store.db import Database
from bot.store.models import ActionItem, Resolution
from tests.support import serving
from tests.support.blockkit import MAX_HEADER, MAX_TEXT, assert_within_limits, buttons, texts
from tests.support.serving import SECRET, server_output, wait_for_response

ALICE, BOB = "U0ALICE", "U0BOB"

# Block Kit's limits, stated here rather than taken from the app.

CARD_50_18_ACTION = (
    "SG17, in close collaboration with all other ITU-T SGs, establish an action plan to "
    "assess existing, evolving and new ITU-T Recommendations to counter security "
    "vulnerabilities and continue to provide regular reports to TSAG (instructs 4 SG17)"
)
RESOLUTION_50_ACTIVE = [
    *(f"50-{n:02d}" for n in (1, 2, 5, 6, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 20)),
    *(f"50-{n:02d}" for n in range(22, 29)),
]


# -- the server ---------------------------------------------------------------------------


class Server(serving.LocalServer):
    """What ``tsagbot serve`` runs and the Web API it talks to, asked ``/action``."""

    def action(self, text: str, *, user_id: str = ALICE) -> dict[str, Any]:
        """``/action TEXT``: the acknowledgement's message, checked against Slack's limits."""
        return self.slash_command("/action", text, user_id=user_id)

    def click(self, button: dict[str, Any], *, user_id: str = BOB) -> Call:
        """Press a button of an ephemeral reply; the call it makes to its response_url."""
        name = f"click-{uuid.uuid4().hex[:8]}"
        payload = block_action_payload(
            button["action_id"],
            button["value"],
            user_id=user_id,
            user_name="bob",
            response_url=self.slack.response_url(name),
            message={"type": "message", "text": "", "blocks": []},
        )
        status, _, raw = self.post(interaction_body(payload))
        assert status == 200, raw[:500]
        call = wait_for_response(self.slack, name)
        assert_within_limits(call.params)
        return call


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with (
        LocalWebApi() as slack,
        serving.in_process(
            slack,
            f"sqlite:///{tmp_path_factory.mktemp('serve') / 'tsagbot.sqlite3'}",
            server_class=Server,
        ) as running,
    ):
        yield running


@pytest.fixture(autouse=True)
def server_output_on_failure(server: Server) -> Iterator[None]:
    """What the server wrote during a test, shown by pytest when that test fails."""
    with server_output(server):
        yield


@dataclass(frozen=True)
class PlanRow:
    code: str
    appendix: str
    resolution: str
    title: str


@pytest.fixture(scope="module")
def plan(server: Server) -> dict[str, list[PlanRow]]:
    """What the server's database holds, by Resolution key: the truth the views must show."""
    db = Database(server.database_url)
    try:
        with db.unit_of_work() as session:
            rows = session.execute(
                select(ActionItem.code, ActionItem.appendix, Resolution.key, Resolution.title)
                .join(Resolution)
                .order_by(ActionItem.id)
            ).all()
    finally:
        db.dispose()
    by_key: dict[str, list[PlanRow]] = defaultdict(list)
    for code, appendix, key, title in rows:
        by_key[key].append(PlanRow(code, appendix, key, title))
    return dict(by_key)


# -- reading Block Kit ----------------------------------------------------------------------


def button(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    (found,) = [b for b in buttons(blocks) if b["action_id"] == action_id]
    return found


def header(blocks: list[dict[str, Any]]) -> str:
    assert blocks[0]["type"] == "header", blocks[0]
    return str(blocks[0]["text"]["text"])


def sections(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]


def contexts(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]


def fields(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """Section fields as label → value (``*Milestone*\\nOngoing`` → Milestone: Ongoing)."""
    found = {}
    for block in blocks:
        for field in block.get("fields", []):
            label, _, value = field["text"].partition("\n")
            found[label.strip("*")] = value
    return found


def listed_codes(blocks: list[dict[str, Any]]) -> list[str]:
    """The item ids a list shows, one per line, in order."""
    lines = [line for text in sections(blocks) for line in text.splitlines()]
    codes = [re.search(r"`((?:\d{2,3}|Op)-\d{2,3})`", line) for line in lines]
    assert all(codes), lines
    return [match.group(1) for match in codes if match]


# -- the server itself ----------------------------------------------------------------------


def test_the_empty_database_got_the_bundled_plan(server: Server, plan: dict[str, Any]) -> None:
    assert "loaded the bundled WTSA-20 action plan, 397 items" in server.output()
    rows = [row for rows in plan.values() for row in rows]
    assert len([row for row in rows if not row.appendix]) == 397
    # 58 Resolutions in the plan (57 with active items, and Opinion 1), and 6 more known
    # only from obsolete items of older plans.
    assert len({row.resolution for row in rows if row.title}) == 58
    assert len({row.resolution for row in rows if not row.appendix}) == 57
    assert len(plan) == 64


def test_health_check(server: Server) -> None:
    status, _, body = server.get("/healthz")
    assert (status, body) == (200, b"ok\n")
    status, _, body = server.get("/healthz", method="HEAD")
    assert (status, body) == (200, b"")


def test_url_verification_is_answered_with_the_challenge(server: Server) -> None:
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    status, _, raw = server.post(url_verification_body(challenge), JSON)
    assert status == 200
    assert json.loads(raw) == {"challenge": challenge}


# -- one item -------------------------------------------------------------------------------


def test_one_item_card(server: Server) -> None:
    message = server.action("50-18")
    blocks = message["blocks"]
    assert "50-18" in header(blocks)
    assert "Cybersecurity" in header(blocks)
    assert header(blocks) == "50-18 · Resolution 50 – Cybersecurity"
    assert sections(blocks)[0] == f"*Action*\n{CARD_50_18_ACTION}"
    assert fields(blocks) == {
        "Milestone": "Ongoing\nEach TSAG meeting",
        "Periodic goals met": ":white_check_mark: Yes",
        "Completed": "No",
        "Who acts": "SG17, in collaboration with All SGs; reports to TSAG and Council",
    }
    status = sections(blocks)[1]
    assert status.startswith("*Status*\nSG17 maintains and keeps updating an ICT security")
    assert "SG17 reports on its LSG functions in TSAG-TD38, TSAG-TD206." in status
    assert "Resolution 50 · periodic goals met · `/action 50-18`" in contexts(blocks)
    assert blocks[-1]["type"] == "actions"
    post = button(blocks, "action_post")
    assert post["text"]["text"] == "Post in channel"
    assert message["text"].startswith("50-18: SG17, in close collaboration")
    assert not any("bsolete" in text for text in contexts(blocks))


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("50-8", "50-08"),
        ("50.18", "50-18"),
        ("50/18", "50-18"),
        ("50 18", "50-18"),
        ("50\u201118", "50-18"),  # non-breaking hyphen
        ("50\u201318", "50-18"),  # en dash
        ("res 50 item 18", "50-18"),
        ("R50-18", "50-18"),
        ("  r50-18 ", "50-18"),
        ("1-11", "01-11"),
        ("op-01", "Op-01"),
    ],
)
def test_forgiving_ids_give_the_canonical_card(server: Server, typed: str, canonical: str) -> None:
    assert typed != canonical
    assert server.action(typed) == server.action(canonical)
    assert header(server.action(typed)["blocks"]).startswith(f"{canonical} · ")


def test_the_other_forms_of_ids_name_the_items_they_should(server: Server) -> None:
    card = server.action("50-8")["blocks"]
    assert header(card) == "50-08 · Resolution 50 – Cybersecurity"
    assert sections(card)[0].startswith("*Action*\nTSBDir to continue to maintain an inventory")
    card = server.action("1-11")["blocks"]
    assert header(card).startswith("01-11 · Resolution 1 – Rules of procedure")
    assert fields(card)["Completed"] == ":white_check_mark: Yes"


def test_an_obsolete_item_says_so(server: Server) -> None:
    blocks = server.action("op-01")["blocks"]
    assert (
        header(blocks) == "Op-01 · Opinion 1 – Practical application of network externality premium"
    )
    warning = contexts(blocks)[0]
    assert "*Obsolete*" in warning
    assert "Appendix II (WTSA-12)" in warning
    assert "not part of the current action plan" in warning
    assert sections(blocks)[0].startswith("*Action*\nMember States to take all measures")
    assert fields(blocks) == {}  # no milestone or status for an item of an older plan
    assert "Opinion 1 · obsolete · `/action Op-01`" in contexts(blocks)


def test_an_earlier_number_is_its_own_item_and_points_to_its_successor(server: Server) -> None:
    blocks = server.action("44-14")["blocks"]
    assert header(blocks).startswith("44-14 · Resolution 44 – Bridging the standardization gap")
    assert sections(blocks)[0].startswith("*Action*\nSGs and TSAG to coordinate joint meetings")
    assert "`54-04` lists 44-14 as its earlier number" in contexts(blocks)
    successor = server.action("54-04")["blocks"]
    assert header(successor).startswith("54-04 · Resolution 54 – Regional groups")
    assert fields(successor)["Earlier number"] == "44-14"


def test_a_number_shared_with_an_obsolete_item_shows_the_active_one(server: Server) -> None:
    blocks = server.action("22-01")["blocks"]
    assert header(blocks).startswith("22-01 · Resolution 22 – ")
    assert "Milestone" in fields(blocks)
    assert "`22-01` is also the number of an obsolete item (Appendix II (WTSA-12))" in contexts(
        blocks
    )


def test_every_id_of_the_plan_gives_its_card(server: Server, plan: dict[str, Any]) -> None:
    rows = [row for rows in plan.values() for row in rows]
    active = {row.code for row in rows if not row.appendix}
    codes = sorted({row.code for row in rows})
    with ThreadPoolExecutor(max_workers=4) as pool:  # as Slack would: several at once
        cards = dict(zip(codes, pool.map(server.action, codes), strict=True))
    for code, message in cards.items():
        blocks = message["blocks"]
        assert header(blocks).startswith(f"{code} · "), code
        warned = any("*Obsolete*" in text for text in contexts(blocks))
        assert warned == (code not in active), code
        assert button(blocks, "action_post")


# -- one Resolution -------------------------------------------------------------------------


def test_a_resolution_lists_its_items(server: Server) -> None:
    message = server.action("50")
    assert server.action("res 50") == message
    blocks = message["blocks"]
    assert header(blocks) == "Resolution 50 – Cybersecurity"
    assert listed_codes(blocks) == [*RESOLUTION_50_ACTIVE, "50-19"]
    summary = contexts(blocks)[0]
    assert summary.startswith("22 action items · ")
    assert summary.endswith(" · 1 obsolete")
    lines = "\n".join(sections(blocks)).splitlines()
    assert len(lines) == 23
    assert lines[-1].startswith(":wastebasket: `50-19` All ITU-T SGs continue liaise")
    assert lines[-1].endswith("_(obsolete, Appendix I (WTSA-16))_")
    assert lines[13].startswith(":arrows_counterclockwise: `50-18` SG17, in close collaboration")
    assert [b["action_id"] for b in buttons(blocks)] == ["action_post"]  # one page
    assert message["text"].startswith("Resolution 50: 22 action items")


def test_the_longest_resolution_respects_the_limits(server: Server, plan: dict[str, Any]) -> None:
    # Resolution 44 has 39 items: the longest list of the plan, and still one page
    # (40 lines per page); the next test pages through a longer one.
    blocks = server.action("44")["blocks"]
    expected = [row.code for row in plan["44"]]
    assert len(expected) == 39
    assert Counter(listed_codes(blocks)) == Counter(expected)
    assert header(blocks).startswith("Resolution 44 – Bridging the standardization gap")
    assert "action_page" not in {b["action_id"] for b in buttons(blocks)}
    assert sum(len(text) for text in sections(blocks)) > MAX_TEXT  # so it had to be split


@pytest.fixture
def long_resolution(server: Server) -> Iterator[list[str]]:
    """A Resolution of 95 items (three pages), added to the server's database for one test."""
    codes = [f"150-{n:02d}" for n in range(1, 96)]
    db = Database(server.database_url)
    with db.unit_of_work() as session:
        resolution = Resolution(key="150", title="Quokka paging probe", position=10_000)
        session.add(resolution)
        session.add_all(
            ActionItem(
                code=code,
                appendix="",
                resolution=resolution,
                action=f"Quokka probe {code}: page through a long Resolution, line {n}",
                position=10_000 + n,
            )
            for n, code in enumerate(codes, start=1)
        )
        session.commit()
    try:
        yield codes
    finally:
        with db.unit_of_work() as session:
            session.execute(delete(ActionItem).where(ActionItem.code.in_(codes)))
            session.execute(delete(Resolution).where(Resolution.key == "150"))
            session.commit()
        db.dispose()


def test_next_page_replaces_the_list_with_page_two(
    server: Server, long_resolution: list[str]
) -> None:
    codes = long_resolution
    first = server.action("150")["blocks"]
    assert listed_codes(first) == codes[:40]
    assert "Page 1 of 3" in contexts(first)
    next_page = button(first, "action_page")
    assert next_page["text"]["text"] == "Next page (2/3)"

    call = server.click(next_page)
    assert call.params["replace_original"] is True
    second = call.params["blocks"]
    assert header(second) == "Resolution 150 – Quokka paging probe"
    assert listed_codes(second) == codes[40:80]
    assert "Page 2 of 3" in contexts(second)
    assert button(second, "action_page")["text"]["text"] == "Next page (3/3)"
    assert button(second, "action_post")

    third = server.click(button(second, "action_page")).params["blocks"]
    assert listed_codes(third) == codes[80:]
    assert "Page 3 of 3" in contexts(third)
    assert [b["action_id"] for b in buttons(third)] == ["action_post"]


def test_every_resolution_respects_the_limits(server: Server, plan: dict[str, Any]) -> None:
    assert len(plan) >= 58
    for key, rows in plan.items():
        opinion = key.startswith("Opinion")
        message = server.action(f"op {key.split()[-1]}" if opinion else f"res {key}")
        blocks = message["blocks"]
        label = key if opinion else f"Resolution {key}"
        title = f"{label} – {rows[0].title}".strip(" –")
        if len(title) <= MAX_HEADER:
            assert header(blocks) == title
        else:  # clipped to Slack's 150 characters
            assert header(blocks).endswith("…")
            assert title.startswith(header(blocks)[:-1])
        assert Counter(listed_codes(blocks)) == Counter(row.code for row in rows), key
        active = sum(not row.appendix for row in rows)
        said = "1 action item · " if active == 1 else f"{active} action items · "
        assert contexts(blocks)[0].startswith(said), key


# -- words ----------------------------------------------------------------------------------


def search_hits(blocks: list[dict[str, Any]], *, show: bool = True) -> dict[str, str]:
    """The hits of a search reply: id → excerpt.  Each hit is a section starting with
    its id, with a "Show" button for that id (``show``) or none (a posted search)."""
    hits = {}
    for block in blocks:
        found = re.match(r"\*`([^`]+)`\* (.*)", block.get("text", {}).get("text", ""), re.S)
        if block["type"] != "section" or not found:
            continue
        code, excerpt = found.groups()
        accessory = block.get("accessory")
        if show:
            assert accessory is not None, block
            assert (accessory["action_id"], accessory["value"]) == ("action_show_item", code)
            assert accessory["text"]["text"] == "Show"
        else:
            assert accessory is None, block
        hits[code] = excerpt
    return hits


@pytest.mark.parametrize("words", ["cybersecurity roadmap", "cybersecurty roadmap"])
def test_search_finds_the_security_roadmap(server: Server, words: str) -> None:
    message = server.action(words)
    blocks = message["blocks"]
    assert re.fullmatch(rf"\d+ action items match \*{words}\* \(1–8\):", sections(blocks)[0])
    hits = search_hits(blocks)
    assert "50-24" in hits
    assert 'ITU-T SG17 to maintain the "ICT Security Standards Roadmap"' in hits["50-24"]
    for code, excerpt in hits.items():
        assert re.fullmatch(r"\d{2}-\d{2}", code)
        assert len(excerpt.strip("…")) > 20, (code, excerpt)
    assert len(hits) == len(sections(blocks)) - 1
    assert button(blocks, "action_post")
    # The count is of every match, not of the 8 shown; "Show more" pages through them.
    total = int(sections(blocks)[0].split()[0])
    assert total > len(hits) == 8
    assert message["text"] == f"{total} action items match {words}"
    assert button(blocks, "action_page")


def test_show_opens_a_hit_in_place_of_the_list(server: Server) -> None:
    blocks = server.action("cybersecurity roadmap")["blocks"]
    show = next(b for b in buttons(blocks) if b["value"] == "50-24")
    call = server.click(show)
    assert call.params["replace_original"] is True
    card = call.params["blocks"]
    assert header(card) == "50-24 · Resolution 50 – Cybersecurity"
    assert card == server.action("50-24")["blocks"]


# -- ids with words and punctuation, several ids ------------------------------------------


@pytest.mark.parametrize("typed", ["50-18?", "50-18.", "50-18 status", "R50-18 status?"])
def test_an_id_with_a_question_mark_or_status_gives_its_card(server: Server, typed: str) -> None:
    assert server.action(typed) == server.action("50-18")


def test_several_ids_list_each_one_with_its_show_button(server: Server) -> None:
    message = server.action("50-18; 50-99 and 1-11")
    blocks = message["blocks"]
    assert sections(blocks)[0] == "Action items *50-18, 50-99, 01-11*:"
    hits = search_hits(blocks)
    assert list(hits) == ["50-18", "01-11"]
    assert hits["50-18"].startswith(":arrows_counterclockwise: SG17, in close collaboration")
    assert sections(blocks)[2].startswith("Nothing found for *50-99*. Closest: `50-")
    assert message["text"] == "2 of 3 action items found: 50-18, 01-11"
    show = next(b for b in buttons(blocks) if b["value"] == "50-18")
    assert server.click(show).params["blocks"] == server.action("50-18")["blocks"]
    posted = server.click(button(blocks, "action_post")).params
    assert posted["response_type"] == "in_channel"
    assert search_hits(posted["blocks"], show=False) == hits
    assert buttons(posted["blocks"]) == []
    assert "shared by <@U0BOB>" in contexts(posted["blocks"])[-1]


@pytest.mark.parametrize("typed", ["TD206", "TD 206", "TSAG-TD206", "td206r1"])
def test_a_document_finds_the_items_that_cite_it(server: Server, typed: str) -> None:
    hits = search_hits(server.action(typed)["blocks"])
    assert "50-18" in hits
    assert "TSAG-TD206" in hits["50-18"]


# -- nothing found, help --------------------------------------------------------------------


def only_text(message: dict[str, Any]) -> str:
    (text,) = sections(message["blocks"])
    assert contexts(message["blocks"]) == ["Try `/action help` for what you can ask."]
    return text


def test_an_unknown_item_suggests_close_ids(server: Server) -> None:
    text = only_text(server.action("50-99"))
    assert text.startswith("Nothing found for *50-99*. Closest: ")
    assert "`50-09`" in text
    assert all(code.startswith("50-") for code in re.findall(r"`([^`]+)`", text))


def test_unknown_words_get_a_short_answer(server: Server) -> None:
    message = server.action("xyzzyplugh")
    text = only_text(message)
    assert text == "Nothing found for *xyzzyplugh*."
    assert "Traceback" not in json.dumps(message)


def test_an_unknown_resolution(server: Server) -> None:
    assert only_text(server.action("999")) == "Nothing found for *Resolution 999*."


def test_every_command_the_help_and_the_digest_show_gets_its_own_answer(server: Server) -> None:
    """What the help and the weekly digest tell readers to type finds something, and only
    the help's two searches are searches (not a filter read as words that happen to match)."""
    usage = "\n".join(sections(server.action("help")["blocks"]))
    typed = set(re.findall(r"`/action ([^`]+)`", usage)) - {"ID", "help", "export"}
    typed |= {hint.strip("`").removeprefix("/action ") for hint in (CHANGED_HINT, OVERDUE_HINT)}
    assert {"changed this week", "changed since the last TSAG", "sg17 overdue"} <= typed
    for text in sorted(typed):
        message = server.action(text)
        shown = json.dumps(message)
        assert "Nothing found" not in shown, text
        searched = bool(re.search(r"action items? match", message["text"]))
        assert searched == (text in {"TD206", "cybersecurity roadmap"}), text


@pytest.mark.parametrize("text", ["", "help", "HELP", "?"])
def test_help(server: Server, text: str) -> None:
    blocks = server.action(text)["blocks"]
    usage = "\n".join(sections(blocks))
    assert usage.startswith("*`/action`: look up the WTSA action plan*")
    for example in ("`/action 50-18`", "`/action res 50`", "`/action cybersecurity roadmap`"):
        assert example in usage


# -- hostile input --------------------------------------------------------------------------

HOSTILE = {
    "5000 x": "x" * 5000,
    "5000 words": ("security " * 556)[:5000],
    "5000 mixed": ("cybersecurity roadmap <b>&amp; 50-18 ü 🙂 " * 120)[:5000],
    "html": "<script>alert(1)</script>&",
    "script": "<script>&",
    "mrkdwn": "*bold* _it_ ~gone~ `code` ```block```",
    "mentions": "<!channel> <@U0ALICE> <!here|here> <http://evil.example|click>",
    "spaces": " \t  \u00a0 ",
    "unicode": "日本語 Ünïcødé Ελληνικά العربية 🙂🙃",
    "control": "50\x00-18\x07",
    "zero width": "\u200b50-18\u200b",
    "quotes": "\"'`\\; DROP TABLE action_items; --",
}


@pytest.mark.parametrize("text", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_input_gets_a_proper_reply(server: Server, text: str) -> None:
    message = server.action(text)  # 200, within 3 s, within the limits, no failure
    assert message["blocks"]
    assert message["text"].strip()
    shown = json.dumps(texts(message["blocks"]), ensure_ascii=False)
    for raw in ("<script>", "<!channel>", "<@U0ALICE>", "<http://evil"):
        assert raw not in shown, f"{raw} reached Slack unescaped"


def test_markup_is_escaped_not_dropped(server: Server) -> None:
    text = only_text(server.action("<script>&"))
    assert text.startswith("Nothing found for *&lt;script&gt;&amp;*.")


def test_unicode_comes_back_as_typed(server: Server) -> None:
    text = only_text(server.action(HOSTILE["unicode"]))
    assert text == f"Nothing found for *{HOSTILE['unicode']}*."


def test_a_very_long_search_still_answers(server: Server) -> None:
    message = server.action(HOSTILE["5000 mixed"])
    hits = search_hits(message["blocks"])
    assert "50-18" in hits or "50-24" in hits
    assert sections(message["blocks"])[0].endswith("…* (1–8):")  # the query is clipped


# -- buttons --------------------------------------------------------------------------------


def test_post_in_channel_shares_the_card(server: Server) -> None:
    card = server.action("50-18", user_id=ALICE)["blocks"]
    call = server.click(button(card, "action_post"), user_id=BOB)
    params = call.params
    assert params["response_type"] == "in_channel"
    assert params["replace_original"] is False
    posted = params["blocks"]
    assert buttons(posted) == []
    assert posted[:-1] == card[:-2]  # the same card, without the button...
    assert contexts(posted)[-1] == (
        "Resolution 50 · periodic goals met · `/action 50-18` · shared by <@U0BOB>"
    )  # ...saying who shared it
    assert params["text"].startswith("50-18: SG17")


def test_post_in_channel_shares_a_list_and_a_search(server: Server) -> None:
    listing = server.action("res 50")["blocks"]
    posted = server.click(button(listing, "action_post")).params
    assert posted["response_type"] == "in_channel"
    assert listed_codes(posted["blocks"]) == listed_codes(listing)
    assert buttons(posted["blocks"]) == []
    assert contexts(posted["blocks"])[-1] == "Shared by <@U0BOB>"

    found = server.action("cybersecurty roadmap")["blocks"]
    posted = server.click(button(found, "action_post")).params
    assert posted["response_type"] == "in_channel"
    assert search_hits(posted["blocks"], show=False) == search_hits(found)
    assert "shared by <@U0BOB>" in contexts(posted["blocks"])[-1]
    # No buttons in the channel: "Show" would replace the shared message for everyone.
    assert buttons(posted["blocks"]) == []


# -- signatures -----------------------------------------------------------------------------


def forged_requests(server: Server) -> list[tuple[str, dict[str, str], bytes]]:
    """(case, headers, body) for requests Slack did not send; each would post if accepted."""

    def click(case: str) -> bytes:
        payload = block_action_payload(
            "action_post",
            json.dumps({"k": "item", "a": json.dumps(["50-18", ""]), "p": 1}),
            user_id="U0MALLORY",
            response_url=server.slack.response_url(f"forged-{case}"),
        )
        return interaction_body(payload)

    now = int(time.time())
    tampered = click("tampered")
    return [
        ("missing", {"Content-Type": FORM}, click("missing")),
        ("wrong secret", sign("not-the-secret", click("wrong")), click("wrong")),
        ("six minutes old", sign(SECRET, click("old"), now - 360), click("old")),
        ("tampered", sign(SECRET, tampered), tampered.replace(b"U0MALLORY", b"U0MALL0RY")),
        ("garbage", {**sign(SECRET, b"x"), "X-Slack-Signature": "v0=00"}, click("garbage")),
        (
            "command, wrong secret",
            sign("not-the-secret", slash_command_body(text="50-18")),
            slash_command_body(text="50-18"),
        ),
    ]


def test_requests_not_signed_by_slack_are_refused(server: Server) -> None:
    before = len(server.slack.calls)
    for case, headers, body in forged_requests(server):
        status, _, raw = server.send(body, headers)
        assert status == 401, case
        assert b"50-18" not in raw, case
    # A genuine click after them is answered; none of the forged ones ever was.
    card = server.action("50-18")["blocks"]
    server.click(button(card, "action_post"))
    after = server.slack.calls[before:]
    assert [c for c in after if c.path.startswith("/response/forged")] == []
    assert [c for c in after if c.method.startswith("chat.")] == []
    assert "U0MALLORY" not in json.dumps([c.params for c in after])


@pytest.mark.usefixtures("long_resolution")
def test_buttons_of_a_shared_list_keep_it_a_shared_list(server: Server) -> None:
    listing = server.action("150")["blocks"]
    posted = server.click(button(listing, "action_post")).params["blocks"]
    assert contexts(posted)[-1] == "Page 1 of 3 · shared by <@U0BOB>"
    for pressed in buttons(posted):
        after = server.click(pressed).params["blocks"]
        assert "action_post" not in {b["action_id"] for b in buttons(after)}
        assert "shared by <@U0BOB>" in contexts(after)[-1]


def test_show_more_pages_a_search_in_place(server: Server) -> None:
    first = server.action("security")["blocks"]
    total = int(sections(first)[0].split()[0])
    more = button(first, "action_page")
    assert more["text"]["text"] == f"Show more (9–16 of {total})"
    call = server.click(more)
    assert call.params["replace_original"] is True
    second = call.params["blocks"]
    assert sections(second)[0].startswith(f"{total} action items match *security* (9–16)")
    assert not set(search_hits(second)) & set(search_hits(first))


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("tsb open", "open action items for TSB"),
        ("open", "open action items"),
    ],
)
def test_show_more_pages_a_filtered_list(server: Server, text: str, title: str) -> None:
    first = server.action(text)
    assert title in header(first["blocks"])
    total = int(first["text"].split()[0])
    assert total > 40
    assert len(listed_codes(first["blocks"])) == 40
    second = server.click(button(first["blocks"], "action_page")).params["blocks"]
    assert "Page 2 of" in contexts(second)[-1]
    assert not set(listed_codes(second)) & set(listed_codes(first["blocks"]))
