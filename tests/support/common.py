"""What many tests share: where the seeds are, a clock moved by hand, the databases to run on."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
SEEDS = Path(os.environ.get("TSAGBOT_SEEDS", ROOT.parent / "shared" / "seeds"))
BUNDLED_PLAN = ROOT / "bot" / "data" / "wtsa20-action-plan.txt"
# The real seed when shared/ is beside the checkout (as in CI), else the package's copy of it.
PLAN_SEED = SEEDS / "004_d127366013943a34.txt"
if not PLAN_SEED.exists():
    PLAN_SEED = BUNDLED_PLAN
POSTGRES_URL = os.environ.get("TSAGBOT_TEST_POSTGRES_URL", "")


class FixedClock:
    """A clock that tests move by hand."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def fresh_postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server, dropped afterwards."""
    admin_url = make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")
    name = f"tsagbot_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not POSTGRES_URL, reason="TSAGBOT_TEST_POSTGRES_URL is not set (no PostgreSQL server)"
        ),
    ),
]
