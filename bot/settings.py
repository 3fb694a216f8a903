"""All configuration in one typed object, read once from the environment.

Nothing else in the package reads ``os.environ``: the CLI builds a
:class:`Settings` at start and passes it down, and tests build their own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SLACK_API_DEFAULT = "https://slack.com/api/"


class SettingsError(Exception):
    """A setting is missing or wrong; the message names it and says what to do."""


def default_database_url(env: Mapping[str, str]) -> str:
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME", ".")) / ".local" / "share")
    return f"sqlite:///{Path(base) / 'tsagbot' / 'tsagbot.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    database_url: str
    timezone: str = "Europe/Zurich"
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = SLACK_API_DEFAULT
    update_channels: frozenset[str] = field(default_factory=frozenset)
    editors: frozenset[str] = field(default_factory=frozenset)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def has_slack(self) -> bool:
        return bool(self.slack_bot_token)

    def with_database(self, url: str | None) -> Settings:
        return replace(self, database_url=url) if url else self

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
        return cls(
            database_url=env.get("TSAGBOT_DATABASE_URL", "").strip() or default_database_url(env),
            timezone=timezone,
            slack_bot_token=env.get("SLACK_BOT_TOKEN") or None,
            slack_signing_secret=env.get("SLACK_SIGNING_SECRET") or None,
            slack_app_token=env.get("SLACK_APP_TOKEN") or None,
            slack_api_url=api_url,
            update_channels=_id_set(env.get("TSAGBOT_UPDATE_CHANNELS", "")),
            editors=_id_set(env.get("TSAGBOT_EDITORS", "")),
        )


def _id_set(value: str) -> frozenset[str]:
    return frozenset(part.strip() for part in value.replace(";", ",").split(",") if part.strip())
