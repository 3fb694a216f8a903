"""The local Web API and the signed requests, driven by the real slack_sdk clients."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from bot.slack.local_api import LocalWebApi
from bot.slack.requests import (
    FORM,
    JSON,
    app_mention_event,
    block_action_payload,
    event_body,
    interaction_body,
    message_event,
    post_signed,
    sign,
    slash_command_body,
    url_verification_body,
)
from tests.support.http import free_port, wait_for_http

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*50-18* due soon"}}]


@pytest.fixture
def slack() -> Iterator[LocalWebApi]:
    with LocalWebApi() as fake:
        yield fake


@pytest.fixture
def client(slack: LocalWebApi) -> WebClient:
    return WebClient(base_url=slack.url, token="xoxb-test", timeout=5)


def test_url_is_a_loopback_api_base(slack: LocalWebApi) -> None:
    assert slack.url.startswith("http://127.0.0.1:")
    assert slack.url.endswith("/api/")


def test_post_message_with_blocks_is_recorded_parsed(slack: LocalWebApi, client: WebClient) -> None:
    response = client.chat_postMessage(channel="C1", text="due soon", blocks=BLOCKS)

    (call,) = slack.wait_for("chat.postMessage")
    assert call.params["blocks"] == BLOCKS
    assert call.params["channel"] == "C1"
    assert call.token == "xoxb-test"
    assert call.headers["content-type"].startswith("application/json")
    assert response["channel"] == "C1"
    assert response["ts"] == "1700000000.000100"
    assert response["message"]["blocks"] == BLOCKS


def test_form_encoded_json_string_fields_are_decoded(slack: LocalWebApi, client: WebClient) -> None:
    # api_call with params= sends a form body, where blocks travel as a JSON string.
    client.api_call("chat.postMessage", params={"channel": "C1", "blocks": json.dumps(BLOCKS)})

    call = slack.last("chat.postMessage")
    assert call.headers["content-type"] == FORM
    assert call.params["blocks"] == BLOCKS


def test_timestamps_increase_and_permalinks_follow_them(client: WebClient) -> None:
    first = client.chat_postMessage(channel="C1", text="one")["ts"]
    second = client.chat_postMessage(channel="C1", text="two", thread_ts=first)["ts"]
    assert (first, second) == ("1700000000.000100", "1700000000.000200")

    link = client.chat_getPermalink(channel="C1", message_ts=second)
    assert link["permalink"] == "https://example.slack.com/archives/C1/p1700000000000200"


def test_auth_test_answers_the_bot_identity(client: WebClient) -> None:
    answer = client.auth_test()
    assert answer["team_id"] == "T1"
    assert answer["user_id"] == "UBOT"
    assert answer["bot_id"] == "B1"


def test_calls_without_a_token_are_not_authed(slack: LocalWebApi) -> None:
    with pytest.raises(SlackApiError) as raised:
        WebClient(base_url=slack.url).chat_postMessage(channel="C1", text="hi")
    assert raised.value.response["error"] == "not_authed"


def test_rate_limited_call_succeeds_on_retry(slack: LocalWebApi) -> None:
    slack.fail_next("chat.postMessage", status=429, retry_after=0)
    client = WebClient(
        base_url=slack.url, token="xoxb-test", retry_handlers=[RateLimitErrorRetryHandler()]
    )

    started = time.monotonic()
    response = client.chat_postMessage(channel="C1", text="hello")

    assert response["ok"] is True
    calls = slack.calls_to("chat.postMessage")
    assert [call.status for call in calls] == [429, 200]
    assert calls[0].params == calls[1].params
    assert time.monotonic() - started < 2.0  # Retry-After 0 (+ up to 1 s of jitter)


def test_rate_limit_without_retry_handler_raises(slack: LocalWebApi, client: WebClient) -> None:
    slack.fail_next("reactions.add", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as raised:
        client.reactions_add(channel="C1", timestamp="1.2", name="eyes")
    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "7"
    assert raised.value.response["error"] == "ratelimited"
    client.reactions_add(channel="C1", timestamp="1.2", name="eyes")  # only the next call fails


def test_server_error_and_scripted_api_error(slack: LocalWebApi, client: WebClient) -> None:
    slack.fail_next("chat.update", status=500, times=2)
    slack.fail_next("chat.delete", status=200, error="message_not_found")
    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            client.chat_update(channel="C1", ts="1.2", text="x")
        assert raised.value.response.status_code == 500
    assert client.chat_update(channel="C1", ts="1.2", text="x")["ts"] == "1.2"
    with pytest.raises(SlackApiError) as raised:
        client.chat_delete(channel="C1", ts="1.2")
    assert raised.value.response["error"] == "message_not_found"


def test_users_profiles_and_respond_override(slack: LocalWebApi, client: WebClient) -> None:
    slack.users["U1"] = {"display_name": "alice", "real_name": "Alice Ex", "tz": "Asia/Tokyo"}
    user = client.users_info(user="U1")["user"]
    assert user["profile"]["display_name"] == "alice"
    assert user["real_name"] == "Alice Ex"
    assert (user["tz"], user["tz_offset"]) == ("Asia/Tokyo", 9 * 3600)

    slack.respond(
        "users.info",
        lambda params: {"ok": False, "error": "user_not_found"} if params["user"] == "U9" else None,
    )
    with pytest.raises(SlackApiError):
        client.users_info(user="U9")
    assert client.users_info(user="U1")["user"]["tz"] == "Asia/Tokyo"  # fell back to default

    slack.respond("team.info", {"team": {"id": "T1", "name": "ITU"}})
    assert client.team_info()["team"]["name"] == "ITU"
    assert client.api_call("bookmarks.list")["ok"] is True


def test_views_and_ephemeral_answers(client: WebClient) -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "Edit"}, "blocks": []}
    opened = client.views_open(trigger_id="1.1.abc", view=view)["view"]
    assert opened["id"].startswith("V")
    assert opened["title"]["text"] == "Edit"
    home = client.views_publish(user_id="U1", view={"type": "home", "blocks": []})
    assert home["view"]["type"] == "home"
    assert client.chat_postEphemeral(channel="C1", user="U1", text="psst")["message_ts"]


def test_response_url_posts_are_recorded(slack: LocalWebApi) -> None:
    url = slack.response_url("cmd")
    answer = WebhookClient(url).send(text="done", response_type="ephemeral")
    assert (answer.status_code, answer.body) == (200, "ok")
    (call,) = slack.wait_for("response_url")
    assert call.params["text"] == "done"
    assert call.params == {"text": "done", "response_type": "ephemeral"}
    assert call.path == "/response/cmd"


def test_files_upload_v2_round_trip(slack: LocalWebApi, client: WebClient) -> None:
    client.files_upload_v2(channel="C1", content=b"docx bytes", filename="plan.docx")
    (upload,) = slack.calls_to("file_upload")
    assert upload.body == b"docx bytes"
    (complete,) = slack.calls_to("files.completeUploadExternal")
    assert complete.params["files"][0]["id"] == upload.params["file_id"]


def test_wait_for_times_out_with_the_calls_so_far(slack: LocalWebApi, client: WebClient) -> None:
    client.chat_postMessage(channel="C1", text="only one")
    with pytest.raises(AssertionError, match=r"got 1; calls so far: chat\.postMessage\[200\]"):
        slack.wait_for("chat.postMessage", count=2, timeout=0.2)


def test_wait_for_wakes_up_on_a_call_from_another_thread(
    slack: LocalWebApi, client: WebClient
) -> None:
    def react_later() -> None:
        time.sleep(0.1)
        client.reactions_add(name="x", channel="C1", timestamp="1.2")

    worker = Thread(target=react_later)
    started = time.monotonic()
    worker.start()
    (call,) = slack.wait_for("reactions.add", timeout=5)
    assert time.monotonic() - started < 2.0  # woken by the call, not by the timeout
    worker.join()
    assert call.params["name"] == "x"


def test_signature_validates_with_slack_sdk() -> None:
    body = slash_command_body(text="50-18")
    headers = sign(SECRET, body)
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid_request(body, headers)
    assert headers["Content-Type"] == FORM
    assert not SignatureVerifier("another-secret").is_valid_request(body, headers)
    stale = sign(SECRET, body, timestamp=int(time.time()) - 600)
    assert not verifier.is_valid_request(body, stale)


def test_signature_matches_slacks_documented_example() -> None:
    # The worked example from api.slack.com/authentication/verifying-requests-from-slack.
    body = (
        b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&"
        b"channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&"
        b"command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2F"
        b"commands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&"
        b"trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    headers = sign(SECRET, body, timestamp=1531420618)
    assert headers["X-Slack-Signature"] == (
        "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    )


def test_bodies_have_slacks_shapes() -> None:
    form = parse_qs(slash_command_body(response_url="http://127.0.0.1:1/response/x").decode())
    assert form["command"] == ["/action"]
    assert form["text"] == ["50-18"]
    assert set(form) >= {"token", "team_domain", "channel_name", "api_app_id", "trigger_id"}
    assert form["is_enterprise_install"] == ["false"]

    envelope = json.loads(event_body(message_event("hi", thread_ts="1.0")))
    assert envelope["type"] == "event_callback"
    assert envelope["event_id"].startswith("Ev")
    assert envelope["authorizations"][0]["user_id"] == "UBOT"
    assert envelope["event"]["thread_ts"] == "1.0"
    assert sign(SECRET, event_body(envelope["event"]))["Content-Type"] == JSON

    mention = app_mention_event("help")
    assert mention["text"] == "<@UBOT> help"

    payload = json.loads(
        parse_qs(interaction_body(block_action_payload("done", "50-18")).decode())["payload"][0]
    )
    assert payload["type"] == "block_actions"
    assert payload["actions"][0] == payload["actions"][0] | {"action_id": "done", "value": "50-18"}
    assert json.loads(url_verification_body("abc"))["challenge"] == "abc"


class _EchoHandler(BaseHTTPRequestHandler):
    """Answers 403 unless the Slack signature is valid, else echoes the body."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        valid = SignatureVerifier(SECRET).is_valid_request(body, dict(self.headers.items()))
        self.send_response(200 if valid else 403)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_post_signed_and_wait_for_http() -> None:
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), _EchoHandler)
    Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", timeout=5)
        url = f"http://127.0.0.1:{port}/slack/events"
        body = url_verification_body("xyz")
        status, _, echoed = post_signed(url, body, JSON, SECRET)
        assert (status, echoed) == (200, body)
        status, _, _ = post_signed(url, body, JSON, "wrong-secret")
        assert status == 403
    finally:
        server.shutdown()
        server.server_close()


def test_wait_for_http_gives_up() -> None:
    with pytest.raises(AssertionError, match="did not answer 200"):
        wait_for_http(f"http://127.0.0.1:{free_port()}/healthz", timeout=0.3)
