"""The outbox's posts made through Slack's Web API (a real ``WebClient`` against the local
one): a message carries its outbox key, and a second attempt looks for that key before
posting, so a post whose answer was lost is not made twice."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.posting.outbox import Outgoing, PostFunction
from bot.settings import Settings
from bot.slack.local_api import LocalWebApi
from bot.slack.poster import METADATA_EVENT, posting_client, slack_poster
from bot.store.vocabulary import PostMethod

CREATED = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
THREAD = "1690000000.000100"


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalWebApi]:
    """The local Web API; a rate limit's Retry-After is obeyed without sleeping."""
    import slack_sdk.http_retry.builtin_handlers as handlers

    monkeypatch.setattr(handlers, "time", SimpleNamespace(sleep=lambda _seconds: None))
    with LocalWebApi() as api:
        yield api


@pytest.fixture
def post(slack: LocalWebApi) -> PostFunction:
    settings = Settings("sqlite://", slack_bot_token="xoxb-test", slack_api_url=slack.url)
    return slack_poster(posting_client(settings))


def outgoing(
    key: str = "reply:1",
    method: PostMethod = PostMethod.MESSAGE,
    *,
    attempts: int = 1,
    text: str = "50-18 marked completed",
    **params: str,
) -> Outgoing:
    return Outgoing(
        key=key,
        method=method,
        channel="C1",
        text=text,
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": text}}] if text else [],
        params=dict(params),
        attempts=attempts,
        created_at=CREATED,
    )


def metadata(key: str) -> dict[str, Any]:
    return {"event_type": METADATA_EVENT, "event_payload": {"key": key}}


def methods(slack: LocalWebApi) -> list[str]:
    return [call.method for call in slack.calls]


# -- the client ------------------------------------------------------------------------------


def test_the_posting_client_retries_only_what_slack_refused() -> None:
    client = posting_client(Settings("sqlite://", slack_bot_token="xoxb-t"))
    assert [type(handler) for handler in client.retry_handlers] == [RateLimitErrorRetryHandler]


def test_a_rate_limited_post_is_retried_by_the_client(
    slack: LocalWebApi, post: PostFunction
) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=1)
    ts = post(outgoing())
    assert [call.status for call in slack.calls_to("chat.postMessage")] == [429, 200]
    assert ts == slack.messages["C1"][0]["ts"]


def test_a_server_error_is_not_retried_by_the_client(
    slack: LocalWebApi, post: PostFunction
) -> None:
    slack.fail_next("chat.postMessage", status=500)
    with pytest.raises(SlackApiError):
        post(outgoing())
    assert [call.status for call in slack.calls_to("chat.postMessage")] == [500]


def test_a_lost_answer_is_not_retried_by_the_client(slack: LocalWebApi, post: PostFunction) -> None:
    slack.lose_next_answer("chat.postMessage")
    with pytest.raises(http.client.RemoteDisconnected):
        post(outgoing())
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert len(slack.messages["C1"]) == 1  # Slack kept it: the outbox must not post it again


# -- messages --------------------------------------------------------------------------------


def test_a_message_carries_its_key_and_is_posted_at_once_the_first_time(
    slack: LocalWebApi, post: PostFunction
) -> None:
    ts = post(outgoing(thread_ts=THREAD))
    (call,) = slack.calls
    assert call.method == "chat.postMessage"
    assert call.params == {
        "channel": "C1",
        "text": "50-18 marked completed",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "50-18 marked completed"}}
        ],
        "thread_ts": THREAD,
        "unfurl_links": False,
        "unfurl_media": False,
        "metadata": metadata("reply:1"),
    }
    assert ts == slack.messages["C1"][0]["ts"]


@pytest.mark.parametrize(
    ("params", "lookup"),
    [({"thread_ts": THREAD}, "conversations.replies"), ({}, "conversations.history")],
    ids=["in a thread", "in the channel"],
)
def test_a_post_whose_answer_was_lost_is_found_and_not_made_again(
    slack: LocalWebApi, post: PostFunction, params: dict[str, str], lookup: str
) -> None:
    post(outgoing("other", **params))  # the bot's other message there does not count
    slack.lose_next_answer("chat.postMessage")
    with pytest.raises(http.client.RemoteDisconnected):
        post(outgoing(**params))
    made = slack.messages["C1"][-1]["ts"]
    slack.clear()
    assert post(outgoing(attempts=2, **params)) == made
    assert methods(slack) == [lookup]
    (call,) = slack.calls
    thread = {"ts": THREAD} if params else {}
    assert call.params == {"channel": "C1", "include_all_metadata": "1", "limit": "200", **thread}


@pytest.mark.parametrize("params", [{"thread_ts": THREAD}, {}], ids=["thread", "channel"])
def test_a_second_attempt_posts_when_the_first_left_nothing(
    slack: LocalWebApi, post: PostFunction, params: dict[str, str]
) -> None:
    post(outgoing("other", **params))
    slack.clear()
    ts = post(outgoing(attempts=2, **params))
    assert methods(slack) == [
        "conversations.replies" if params else "conversations.history",
        "chat.postMessage",
    ]
    assert ts == slack.messages["C1"][-1]["ts"]
    assert slack.messages["C1"][-1]["metadata"] == metadata("reply:1")


@pytest.mark.parametrize("error", ["not_in_channel", "missing_scope", "channel_not_found"])
def test_when_the_bot_cannot_look_it_posts_anyway(
    slack: LocalWebApi, post: PostFunction, error: str
) -> None:
    slack.fail_next("conversations.replies", status=200, error=error)
    ts = post(outgoing(attempts=3, thread_ts=THREAD))
    assert methods(slack) == ["conversations.replies", "chat.postMessage"]
    assert ts == slack.messages["C1"][-1]["ts"]


@pytest.mark.parametrize(("status", "error"), [(500, None), (200, "internal_error")])
def test_when_slack_cannot_answer_the_lookup_now_the_post_waits(
    slack: LocalWebApi, post: PostFunction, status: int, error: str | None
) -> None:
    slack.fail_next("conversations.history", status=status, error=error)
    with pytest.raises(SlackApiError):
        post(outgoing(attempts=2))
    assert methods(slack) == ["conversations.history"]  # no post: the outbox tries again


# -- other methods ---------------------------------------------------------------------------


def test_an_ephemeral_hint_goes_to_its_reader_in_the_thread_if_any(
    slack: LocalWebApi, post: PostFunction
) -> None:
    hint = outgoing("T1:Ev1:unknown", PostMethod.EPHEMERAL, text="50-99 is not in the plan")
    assert post(replace(hint, params={"user": "U1"})) == ""
    assert post(replace(hint, params={"user": "U2", "thread_ts": THREAD}, attempts=2)) == ""
    calls = slack.calls_to("chat.postEphemeral")
    assert [(c.params["user"], c.params.get("thread_ts")) for c in calls] == [
        ("U1", None),
        ("U2", THREAD),
    ]
    assert methods(slack) == ["chat.postEphemeral"] * 2  # a retry does not look: nothing to find


def test_an_update_edits_the_message_and_answers_its_ts(
    slack: LocalWebApi, post: PostFunction
) -> None:
    ts = post(outgoing("T1:Ev2:update", PostMethod.UPDATE, ts="1700000000.000900", attempts=2))
    assert ts == "1700000000.000900"
    (call,) = slack.calls
    assert (call.method, call.params["ts"], call.params["text"]) == (
        "chat.update",
        "1700000000.000900",
        "50-18 marked completed",
    )
    slack.clear()
    deleted = outgoing("T1:Ev3:update", PostMethod.UPDATE, ts="1700000000.000900")
    post(replace(deleted, text="50-18 back to periodic goals met", blocks=[]))
    assert slack.last("chat.update").params["blocks"] == []  # the buttons go too


def test_a_check_mark_already_gone_is_a_success(slack: LocalWebApi, post: PostFunction) -> None:
    unreact = outgoing(
        "undo:7:reaction", PostMethod.UNREACTION, text="", ts=THREAD, name="white_check_mark"
    )
    assert post(unreact) == ""
    assert slack.last("reactions.remove").params["timestamp"] == THREAD
    for done in ("no_reaction", "message_not_found"):
        slack.fail_next("reactions.remove", status=200, error=done)
        assert post(unreact) == ""
    slack.fail_next("reactions.remove", status=200, error="channel_not_found")
    with pytest.raises(SlackApiError):
        post(unreact)


def test_an_update_of_a_deleted_message_is_done(slack: LocalWebApi, post: PostFunction) -> None:
    """Someone deleted the bot's reply: nothing is left to update, so it is not retried."""
    update = outgoing("T1:Ev4:update", PostMethod.UPDATE, ts="1700000000.000900")
    slack.fail_next("chat.update", status=200, error="message_not_found")
    assert post(update) == "1700000000.000900"
    slack.fail_next("chat.update", status=200, error="channel_not_found")
    with pytest.raises(SlackApiError):
        post(update)


def test_a_reaction_already_there_is_a_success(slack: LocalWebApi, post: PostFunction) -> None:
    react = outgoing(
        "T1:Ev1:react", PostMethod.REACTION, text="", ts=THREAD, name="white_check_mark"
    )
    assert post(react) == ""
    slack.fail_next("reactions.add", status=200, error="already_reacted")
    assert post(replace(react, attempts=2)) == ""
    calls = slack.calls_to("reactions.add")
    assert [(c.params["timestamp"], c.params["name"]) for c in calls] == [
        (THREAD, "white_check_mark"),
        (THREAD, "white_check_mark"),
    ]


def test_a_reaction_to_a_message_deleted_meanwhile_is_not_tried_again(
    slack: LocalWebApi, post: PostFunction
) -> None:
    react = outgoing("T1:Ev1:react", PostMethod.REACTION, text="", ts=THREAD, name="eyes")
    slack.fail_next("reactions.add", status=200, error="message_not_found")
    assert post(react) == ""
    slack.fail_next("reactions.add", status=500)
    with pytest.raises(SlackApiError):
        post(react)  # Slack failing now: the outbox tries again later
    assert len(slack.calls_to("reactions.add")) == 2
