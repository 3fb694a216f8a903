"""The leases of the inbox and the outbox are settings, checked as the others are."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.settings import Settings, SettingsError


def test_the_leases_default_to_half_a_minute_and_five_minutes() -> None:
    settings = Settings.from_env({})
    assert (settings.inbox_lease, settings.outbox_lease) == (
        timedelta(seconds=30),
        timedelta(minutes=5),
    )


def test_the_leases_are_read_in_seconds() -> None:
    env = {"TSAGBOT_INBOX_LEASE_SECONDS": "2", "TSAGBOT_OUTBOX_LEASE_SECONDS": " 90 "}
    settings = Settings.from_env(env)
    assert (settings.inbox_lease_seconds, settings.outbox_lease_seconds) == (2, 90)


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "soon", "3601"])
def test_a_wrong_lease_is_one_clear_line(value: str) -> None:
    with pytest.raises(SettingsError) as wrong:
        Settings.from_env({"TSAGBOT_INBOX_LEASE_SECONDS": value})
    assert str(wrong.value) == (
        f"TSAGBOT_INBOX_LEASE_SECONDS={value!r} must be seconds from 1 to 3600"
    )


def test_the_document_url_is_a_template_of_the_four_parts() -> None:
    url = "https://www.itu.int/md/T25-{group}-{kind}-{number:04d}{revision}/en"
    assert Settings.from_env({"TSAGBOT_DOCUMENT_URL": f" {url} "}).document_url == url
    assert Settings.from_env({}).document_url == ""


@pytest.mark.parametrize(
    "value", ["ftp://docs.example/{number}", "https://docs.example/{title}", "https://x/{number"]
)
def test_a_wrong_document_url_is_one_clear_line(value: str) -> None:
    with pytest.raises(SettingsError) as wrong:
        Settings.from_env({"TSAGBOT_DOCUMENT_URL": value})
    assert str(wrong.value).startswith(f"TSAGBOT_DOCUMENT_URL={value!r} ")
    assert "\n" not in str(wrong.value)
