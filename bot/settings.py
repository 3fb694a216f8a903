"""All configuration in one typed object, read once from the environment.

Nothing else in the package reads ``os.environ``: the CLI builds a
:class:`Settings` at start and passes it down, and tests build their own.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.documents.references import check_template

SLACK_API_DEFAULT = "https://slack.com/api/"
DIGEST_CRON_DEFAULT = "0 9 * * mon"
_WEEKDAY_TIME = re.compile(
    r"^(?P<day>mon|tue|wed|thu|fri|sat|sun)[a-z]*\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})$"
)


class SettingsError(Exception):
    """A setting is missing or wrong; the message names it and says what to do."""


def default_database_url(env: Mapping[str, str]) -> str:
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME", ".")) / ".local" / "share")
    return f"sqlite:///{Path(base) / 'tsagbot' / 'tsagbot.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    database_url: str
    own_database: bool = False
    """The database is tsagbot's default SQLite file (its folder is created if missing);
    a database someone named must exist or be creatable where they said."""
    timezone: str = "Europe/Zurich"
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = SLACK_API_DEFAULT
    update_channels: frozenset[str] = field(default_factory=frozenset)
    editors: frozenset[str] = field(default_factory=frozenset)
    admins: frozenset[str] = field(default_factory=frozenset)
    """Who may add and edit meetings from Slack (user ids); nobody when empty."""
    announce_channel: str = ""
    digest_channel: str = ""
    digest_cron: str = DIGEST_CRON_DEFAULT
    reminder_before_minutes: int = 30
    deadline_reminder_days: tuple[int, ...] = (7, 1)
    round_reminder_days: tuple[int, ...] = (7, 2)
    """Days before a reporting round's deadline when the bodies yet to report are reminded."""
    agenda_reminder: bool = True
    reminder_time: time = time(9, 0)
    public_url: str = ""
    document_url: str = ""
    """``TSAGBOT_DOCUMENT_URL``: a document reference's address, from ``{kind}``, ``{number}``,
    ``{revision}`` and ``{group}`` (bot/documents/references.py); empty: references are text."""
    scheduler: bool = True
    log_format: str = "text"
    inbox_lease_seconds: int = 30
    """How long an event a worker claimed is left to it before another may take it."""
    outbox_lease_seconds: int = 300
    """How long a post being made is left to its process before another may make it: longer
    than a post can take (three tries of 10 s and Slack's Retry-After pauses)."""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def inbox_lease(self) -> timedelta:
        return timedelta(seconds=self.inbox_lease_seconds)

    @property
    def outbox_lease(self) -> timedelta:
        return timedelta(seconds=self.outbox_lease_seconds)

    @property
    def has_slack(self) -> bool:
        return bool(self.slack_bot_token)

    def with_database(self, url: str | None) -> Settings:
        return replace(self, database_url=url, own_database=False) if url else self

    def require_http(self) -> None:
        """Fail with a clear message unless Slack's HTTP mode can run."""
        missing = [
            name
            for name, value in (
                ("SLACK_BOT_TOKEN", self.slack_bot_token),
                ("SLACK_SIGNING_SECRET", self.slack_signing_secret),
            )
            if not value
        ]
        if missing:
            raise SettingsError(
                f"{' and '.join(missing)} must be set to serve Slack over HTTP "
                "(see 'Connect to Slack' in the README)"
            )

    def require_socket(self) -> None:
        """Fail with a clear message unless Socket Mode can run."""
        if not self.slack_bot_token or not self.slack_app_token:
            raise SettingsError(
                "SLACK_BOT_TOKEN and SLACK_APP_TOKEN (xapp-...) must be set for Socket Mode"
            )
        if not self.slack_app_token.startswith("xapp-"):
            raise SettingsError("SLACK_APP_TOKEN must be an app-level token starting with xapp-")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        timezone = env.get("TSAGBOT_TIMEZONE", "").strip() or "Europe/Zurich"
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise SettingsError(
                f"TSAGBOT_TIMEZONE={timezone!r} is not a known time zone (try Europe/Zurich)"
            ) from error
        api_url = env.get("SLACK_API_URL", "").strip() or SLACK_API_DEFAULT
        if not api_url.startswith(("http://", "https://")):
            raise SettingsError(f"SLACK_API_URL={api_url!r} must be an http(s) URL")
        if not api_url.endswith("/"):
            api_url += "/"
        named = env.get("TSAGBOT_DATABASE_URL", "").strip()
        return cls(
            database_url=named or default_database_url(env),
            own_database=not named,
            timezone=timezone,
            slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_app_token=env.get("SLACK_APP_TOKEN") or None,
            slack_api_url=api_url,
            update_channels=_id_set(env.get("TSAGBOT_UPDATE_CHANNELS", "")),
            editors=_id_set(env.get("TSAGBOT_EDITORS", "")),
            admins=_id_set(env.get("TSAGBOT_ADMINS", "")),
            announce_channel=env.get("TSAGBOT_ANNOUNCE_CHANNEL", "").strip(),
            digest_channel=env.get("TSAGBOT_DIGEST_CHANNEL", "").strip(),
            digest_cron=digest_cron(env.get("TSAGBOT_DIGEST_CRON", ""), timezone),
            reminder_before_minutes=_minutes(env.get("TSAGBOT_REMINDER_BEFORE_MINUTES", "")),
            deadline_reminder_days=_days(env.get("TSAGBOT_DEADLINE_REMINDER_DAYS")),
            round_reminder_days=_days(
                env.get("TSAGBOT_ROUND_REMINDER_DAYS"), "TSAGBOT_ROUND_REMINDER_DAYS", (7, 2)
            ),
            agenda_reminder=_switch("TSAGBOT_AGENDA_REMINDER", env.get("TSAGBOT_AGENDA_REMINDER")),
            reminder_time=_time_of_day(env.get("TSAGBOT_REMINDER_TIME", "")),
            public_url=_public_url(env.get("TSAGBOT_PUBLIC_URL", "")),
            document_url=_document_url(env.get("TSAGBOT_DOCUMENT_URL", "")),
            scheduler=_switch("TSAGBOT_SCHEDULER", env.get("TSAGBOT_SCHEDULER")),
            log_format=_log_format(env.get("TSAGBOT_LOG_FORMAT", "")),
            inbox_lease_seconds=_seconds(env, "TSAGBOT_INBOX_LEASE_SECONDS", 30),
            outbox_lease_seconds=_seconds(env, "TSAGBOT_OUTBOX_LEASE_SECONDS", 300),
        )


def _seconds(env: Mapping[str, str], name: str, default: int) -> int:
    """A lease in seconds, from 1 to an hour."""
    value = env.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or not 0 < int(value) <= 3600:
        raise SettingsError(f"{name}={value!r} must be seconds from 1 to 3600")
    return int(value)


def _id_set(value: str) -> frozenset[str]:
    return frozenset(part.strip() for part in value.replace(";", ",").split(",") if part.strip())


def digest_cron(value: str, timezone: str) -> str:
    """A crontab line (``0 9 * * mon``) from the setting, which may also say ``Monday 09:00``."""
    text = " ".join(value.strip().lower().split()) or DIGEST_CRON_DEFAULT
    match = _WEEKDAY_TIME.match(text)
    if match:
        text = f"{int(match['minute'])} {int(match['hour'])} * * {match['day']}"
    if text == DIGEST_CRON_DEFAULT:  # a good line; APScheduler checks only the lines set
        return text
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(text, timezone=timezone)
    except ValueError as error:
        raise SettingsError(
            f"TSAGBOT_DIGEST_CRON={value.strip()!r} is not a crontab line or a day and time "
            f"(try '0 9 * * mon' or 'Monday 09:00'): {error}"
        ) from error
    return text


def _minutes(value: str) -> int:
    text = value.strip() or "30"
    if not text.isdigit() or int(text) > 24 * 60:
        raise SettingsError(
            f"TSAGBOT_REMINDER_BEFORE_MINUTES={value.strip()!r} must be minutes from 0 "
            "(no reminder) to 1440"
        )
    return int(text)


def _days(
    value: str | None,
    name: str = "TSAGBOT_DEADLINE_REMINDER_DAYS",
    default: tuple[int, ...] = (7, 1),
) -> tuple[int, ...]:
    if value is None:
        return default
    parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    if any(not part.isdigit() or not 0 < int(part) <= 60 for part in parts):
        raise SettingsError(
            f"{name}={value.strip()!r} must be days before the deadline, "
            "such as 7,1 (empty: no reminders)"
        )
    return tuple(sorted({int(part) for part in parts}, reverse=True))


def _switch(name: str, value: str | None) -> bool:
    text = (value or "on").strip().lower()
    if text in {"1", "on", "yes", "true"}:
        return True
    if text in {"0", "off", "no", "false"}:
        return False
    raise SettingsError(f"{name}={value!r} must be on or off")


def _time_of_day(value: str) -> time:
    text = value.strip() or "09:00"
    match = re.match(r"^(\d{1,2}):(\d{2})$", text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise SettingsError(f"TSAGBOT_REMINDER_TIME={value.strip()!r} must be a time like 09:00")
    return time(int(match[1]), int(match[2]))


def _log_format(value: str) -> str:
    text = value.strip().lower() or "text"
    if text not in {"text", "json"}:
        raise SettingsError(f"TSAGBOT_LOG_FORMAT={value.strip()!r} must be text or json")
    return text


def _public_url(value: str) -> str:
    text = value.strip().rstrip("/")
    if text and not text.startswith(("http://", "https://")):
        raise SettingsError(f"TSAGBOT_PUBLIC_URL={text!r} must be an http(s) URL")
    return text


def _document_url(value: str) -> str:
    text = value.strip()
    if not text:
        return ""
    try:
        check_template(text)
    except ValueError as error:
        raise SettingsError(
            f"TSAGBOT_DOCUMENT_URL={text!r} {error} "
            "(try https://www.itu.int/md/T25-{group}-{kind}-{number:04d}/en)"
        ) from error
    return text
