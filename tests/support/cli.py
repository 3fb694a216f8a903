"""Running ``tsagbot`` in-process, as a user would type it."""

from __future__ import annotations

import os

from click.testing import CliRunner, Result

from bot.cli.main import cli


def run(*args: str, db: str, env: dict[str, str] | None = None) -> Result:
    """``tsagbot ARGS`` in-process on ``db``, without the machine's SLACK_* settings."""
    environment: dict[str, str | None] = {k: None for k in os.environ if k.startswith("SLACK_")}
    environment.update({"TSAGBOT_DATABASE_URL": db, **(env or {})})
    result = CliRunner().invoke(cli, list(args), env=environment, prog_name="tsagbot")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result
