"""Benchmark: ``tsagbot serve`` stopped, killed, failed by Slack under load: none lost or doubled.

Each run starts the real ``tsagbot serve`` (its Web API a fake Slack on loopback) and
sends it signed Events API ``message`` events at a steady rate (open loop), each a
status update (a note on an item of the plan, so each is recorded and confirmed).
An event not answered ``200`` is delivered again later with ``X-Slack-Retry-Num``, as
Slack does. The scenarios:

* ``SIGTERM``: at a random moment of the load the server gets SIGTERM; once it has
  exited, a new one is started on the same database;
* ``kill -9``: the same with SIGKILL;
* ``two replicas, one killed``: the events go to two servers in turn; one of them is
  killed at a random moment, and from then on the other gets them all;
* ``Slack faults``: no signal, but every quarter second Slack is made to answer its next
  ``chat.postMessage`` with 429 or 500, or to carry it out and lose the answer, or to
  lose the answer to a ``reactions.add``; the outbox tries again a minute later, looking
  for the post first. (A failing lookup adds minutes of growing pauses per post, too
  long for a benchmark: tests/slack/test_faults.py has it.)

Then the script waits until the database says nothing is left to do (every inbox
event handled, every outbox post made), and counts: events acknowledged, messages
recorded, lost (acknowledged and not recorded), doubled (recorded, or noted, twice),
thread confirmations Slack holds for them, lost and doubled. The leases are 2 s
(``TSAGBOT_INBOX_LEASE_SECONDS``/``TSAGBOT_OUTBOX_LEASE_SECONDS``) so that what a
killed process held is taken up within the run. Each figure is the median of
``--runs`` runs with its min–max.

Usage::

    python scripts/bench_faults.py [--rate 100] [--seconds 2] [--runs 3]
                                   [--postgres URL]   # default: TSAGBOT_TEST_POSTGRES_URL
                                   [--write-readme]   # replace the README's table
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_events import fresh_postgres  # noqa: E402
from benchkit import Process, load_average, running, spread, write_readme  # noqa: E402
from sqlalchemy import Engine, create_engine, func, select  # noqa: E402

from bot.slack.local_api import LocalWebApi  # noqa: E402
from bot.slack.requests import JSON, event_body, message_event, post_signed  # noqa: E402
from bot.store.models import InboxEvent, OutboxPost, SlackMessage, StatusUpdate  # noqa: E402
from bot.store.vocabulary import InboxStatus, PostStatus  # noqa: E402

SECRET = "b3nch-signing-secret-0123456789ab"
CHANNEL = "C0FAULTS"
CODES = ("50-18", "50-20", "50-22", "50-23", "50-27", "1-01", "2-01", "11-01")
RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
LEASES = {"TSAGBOT_INBOX_LEASE_SECONDS": "2", "TSAGBOT_OUTBOX_LEASE_SECONDS": "2"}
SCENARIOS = ("SIGTERM", "kill -9", "two replicas, one killed", "Slack faults")
_stamps = iter(range(1, 10**9))


# -- the fake Slack -------------------------------------------------------------------------


def reactions_once(slack: LocalWebApi) -> None:
    """``reactions.add`` answers ``already_reacted`` for a reaction already there, as Slack."""
    seen: set[tuple[str, str, str]] = set()
    lock = threading.Lock()

    def react(params: dict[str, Any]) -> dict[str, Any]:
        key = (str(params.get("channel")), str(params.get("timestamp")), str(params.get("name")))
        with lock:
            if key in seen:
                return {"ok": False, "error": "already_reacted"}
            seen.add(key)
        return {"ok": True}

    slack.respond("reactions.add", react)


def inject_faults(slack: LocalWebApi, rng: random.Random, stop: threading.Event) -> int:
    """Every quarter second, make Slack fail its next post or reaction; how many times."""
    faults: list[Callable[[], None]] = [
        lambda: slack.fail_next("chat.postMessage", status=429, retry_after=1),
        lambda: slack.fail_next("chat.postMessage", status=500),
        lambda: slack.lose_next_answer("chat.postMessage"),
        lambda: slack.lose_next_answer("reactions.add"),
    ]
    count = 0
    while not stop.wait(0.25):
        rng.choice(faults)()
        count += 1
    return count


# -- the servers ----------------------------------------------------------------------------


class Servers:
    """The servers events are sent to now (in turn), started and stopped by the run."""

    def __init__(self, folder: Path, slack: LocalWebApi, database_url: str) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TSAGBOT_"))}
        self.env.update(
            SLACK_BOT_TOKEN="xoxb-0000-bench",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=slack.url,
            TSAGBOT_DATABASE_URL=database_url,
            TSAGBOT_SCHEDULER="off",
            PYTHONUNBUFFERED="1",
            **LEASES,
        )
        self.folder = folder
        self.stack = contextlib.ExitStack()
        self.live: list[Process] = []
        self.lock = threading.Lock()
        self.turn = 0
        self.started = 0

    def start(self) -> Process:
        self.started += 1
        args = ["-m", "bot", "serve", "--port", "{port}", "--host", "127.0.0.1"]
        server = self.stack.enter_context(
            running(f"serve-{self.started}", args, self.env, self.folder)
        )
        with self.lock:
            self.live.append(server)
        return server

    def next_url(self) -> str | None:
        with self.lock:
            if not self.live:
                return None
            self.turn += 1
            return self.live[self.turn % len(self.live)].url

    def stop(self, server: Process, signum: int) -> tuple[float, int]:
        """Send ``signum``; seconds until the process ended, and its exit status."""
        with self.lock:
            self.live.remove(server)
        began = time.monotonic()
        server.process.send_signal(signum)
        code = server.process.wait(timeout=60)
        return time.monotonic() - began, code


# -- one run --------------------------------------------------------------------------------


@dataclass
class Run:
    scenario: str
    backend: str
    acknowledged: set[str] = field(default_factory=set)
    retried: int = 0
    recorded: Counter[str] = field(default_factory=Counter)
    noted: Counter[str] = field(default_factory=Counter)
    confirmations: Counter[str] = field(default_factory=Counter)
    reacted: set[str] = field(default_factory=set)
    stopped_in: float | None = None
    exit_code: int | None = None
    faults: int = 0
    drained: float = 0.0
    load: float = 0.0


def send(url: str | None, body: bytes, headers: dict[str, str] | None) -> bool:
    if url is None:
        return False
    try:
        return post_signed(url, body, JSON, SECRET, extra_headers=headers, timeout=10)[0] == 200
    except OSError:
        return False


def load(
    servers: Servers, run: Run, rate: float, seconds: float, rng: random.Random
) -> list[tuple[str, bytes]]:
    """The events, each sent at its planned time; those not acknowledged, to send again."""
    total = int(rate * seconds)
    refused: list[tuple[str, bytes]] = []
    lock = threading.Lock()

    def one(ts: str, body: bytes) -> None:
        ok = send(servers.next_url(), body, None)
        with lock:
            (run.acknowledged.add(ts) if ok else refused.append((ts, body)))

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        for n in range(total):
            ts = f"{1_900_000_000 + next(_stamps)}.000100"
            event = message_event(
                f"update {rng.choice(CODES)}: fault bench note {n}", channel=CHANNEL, ts=ts
            )
            delay = start + n / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, ts, event_body(event))
    return refused


def redeliver(servers: Servers, run: Run, refused: list[tuple[str, bytes]]) -> None:
    """Slack's retries of what was not acknowledged, until each is."""
    deadline = time.monotonic() + 60
    while refused and time.monotonic() < deadline:
        ts, body = refused[0]
        if send(servers.next_url(), body, RETRY):
            run.acknowledged.add(ts)
            run.retried += 1
            refused.pop(0)
        else:
            time.sleep(0.1)
    if refused:
        raise SystemExit(f"{len(refused)} events were never acknowledged")


def left_to_do(engine: Engine) -> int:
    with engine.connect() as connection:
        events = connection.scalar(
            select(func.count(InboxEvent.id)).where(InboxEvent.status != InboxStatus.DONE)
        )
        posts = connection.scalar(
            select(func.count(OutboxPost.id)).where(
                OutboxPost.status.in_((PostStatus.PENDING, PostStatus.SENDING, PostStatus.FAILED))
            )
        )
    return int(events or 0) + int(posts or 0)


def count(run: Run, engine: Engine, slack: LocalWebApi) -> None:
    stamps = run.acknowledged
    with engine.connect() as connection:
        rows = connection.execute(
            select(SlackMessage.ts, func.count(StatusUpdate.id))
            .join(StatusUpdate, StatusUpdate.message_id == SlackMessage.id, isouter=True)
            .where(SlackMessage.channel == CHANNEL)
            .group_by(SlackMessage.id, SlackMessage.ts)
        ).all()
    for ts, notes in rows:
        run.recorded[ts] += 1
        run.noted[ts] += int(notes)
    for message in slack.messages.get(CHANNEL, []):
        if message.get("thread_ts") in stamps:
            run.confirmations[str(message["thread_ts"])] += 1
    run.reacted = {
        str(c.params.get("timestamp")) for c in slack.calls_to("reactions.add") if c.status == 200
    }


def signal_at_random(
    servers: Servers, run: Run, victim: Process, signum: int, when: float, restart: bool
) -> threading.Thread:
    def act() -> None:
        time.sleep(when)
        run.stopped_in, run.exit_code = servers.stop(victim, signum)
        if restart:
            servers.start()

    thread = threading.Thread(target=act, daemon=True)
    thread.start()
    return thread


def one_run(scenario: str, backend: str, database_url: str, args: argparse.Namespace) -> Run:
    rng = random.Random()
    run = Run(scenario, backend)
    with LocalWebApi() as slack, tempfile.TemporaryDirectory() as tmp:
        reactions_once(slack)
        servers = Servers(Path(tmp), slack, database_url)
        with servers.stack:
            first = servers.start()
            if scenario == "two replicas, one killed":
                servers.start()
            when = rng.uniform(0.2, 0.8) * args.seconds
            actor: threading.Thread | None = None
            stop_faults = threading.Event()
            if scenario == "SIGTERM":
                actor = signal_at_random(servers, run, first, signal.SIGTERM, when, True)
            elif scenario == "kill -9":
                actor = signal_at_random(servers, run, first, signal.SIGKILL, when, True)
            elif scenario == "two replicas, one killed":
                actor = signal_at_random(servers, run, first, signal.SIGKILL, when, False)
            else:
                injector = ThreadPoolExecutor(max_workers=1)
                faults = injector.submit(inject_faults, slack, rng, stop_faults)
            refused = load(servers, run, args.rate, args.seconds, rng)
            if actor is not None:
                actor.join(timeout=120)
            else:
                stop_faults.set()
                run.faults = faults.result()
                injector.shutdown()
            redeliver(servers, run, refused)
            engine = create_engine(database_url)
            began = time.monotonic()
            try:
                while left_to_do(engine):
                    if time.monotonic() - began > 300:
                        raise SystemExit("the backlog was not drained within 5 minutes")
                    time.sleep(0.2)
                run.drained = time.monotonic() - began
                count(run, engine, slack)
            finally:
                engine.dispose()
    run.load = load_average()
    return run


# -- report ---------------------------------------------------------------------------------


@dataclass
class Figures:
    sent: int
    retried: int
    recorded: int
    lost: int
    doubled: int
    confirmed: int
    confirmations_lost: int
    confirmations_doubled: int
    reactions_lost: int


def figures(run: Run) -> Figures:
    acked = run.acknowledged
    recorded = {ts for ts in run.recorded if ts in acked}
    return Figures(
        sent=len(acked),
        retried=run.retried,
        recorded=len(recorded),
        lost=len(acked - recorded),
        doubled=sum(run.recorded[ts] > 1 or run.noted[ts] > 1 for ts in recorded),
        confirmed=sum(run.confirmations.values()),
        confirmations_lost=len(acked - set(run.confirmations)),
        confirmations_doubled=sum(n > 1 for n in run.confirmations.values()),
        reactions_lost=len(acked - run.reacted),
    )


def table(runs: list[Run], args: argparse.Namespace) -> str:
    groups: dict[tuple[str, str], list[Run]] = {}
    for run in runs:
        groups.setdefault((run.scenario, run.backend), []).append(run)
    load = [run.load for run in runs]
    lines = [
        f"{args.rate:g} updates/s for {args.seconds:g} s, medians of {args.runs} runs "
        f"(min–max); load average {min(load):.1f}–{max(load):.1f} on the two cores:",
        "",
        "| scenario | database | sent (acknowledged) | of them Slack's retries | recorded | lost "
        "| doubled | confirmations posted | confirmations lost | confirmations doubled "
        "| reactions lost | backlog drained in |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (scenario, backend), group in groups.items():
        rows = [figures(run) for run in group]
        cells = [
            spread([float(getattr(row, name)) for row in rows])
            for name in Figures.__dataclass_fields__
        ]
        drained = spread([run.drained for run in group], 1)
        label = scenario
        if scenario == "SIGTERM":
            stops = [run.stopped_in or 0.0 for run in group]
            codes = sorted({run.exit_code for run in group})
            label += f" (exit {', '.join(map(str, codes))} in {spread(stops, 1)} s)"
        elif scenario == "Slack faults":
            label += f" ({spread([float(run.faults) for run in group])} injected)"
        lines.append(f"| {label} | {backend} | {' | '.join(cells)} | {drained} s |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=100.0, help="updates per second")
    parser.add_argument("--seconds", type=float, default=2.0, help="length of the load")
    parser.add_argument("--runs", type=int, default=3, help="runs of each scenario")
    parser.add_argument("--scenario", action="append", choices=SCENARIOS, help="(repeatable)")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=os.environ.get("TSAGBOT_TEST_POSTGRES_URL", ""),
        help="also run on a fresh database of this PostgreSQL server "
        "(default: TSAGBOT_TEST_POSTGRES_URL)",
    )
    parser.add_argument("--write-readme", action="store_true", help="replace README's table")
    args = parser.parse_args()
    if not 0 < args.rate * args.seconds <= 10_000 or args.runs < 1:
        parser.error("--rate × --seconds must be between 1 and 10000 events, --runs ≥ 1")
    runs: list[Run] = []
    with contextlib.ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        databases = {"SQLite": f"sqlite:///{Path(tmp) / 'faults.sqlite3'}"}
        if args.postgres:
            databases["PostgreSQL"] = stack.enter_context(fresh_postgres(args.postgres))
        for scenario in args.scenario or SCENARIOS:
            for backend, url in databases.items():
                for number in range(args.runs):
                    run = one_run(scenario, backend, url, args)
                    print(
                        f"{scenario}, {backend}, run {number + 1}: {figures(run)}", file=sys.stderr
                    )
                    runs.append(run)
    text = table(runs, args)
    print(text)
    if args.write_readme:
        write_readme(text, "bench_faults")
    bad = [
        run
        for run in runs
        if (f := figures(run)).lost or f.doubled or f.confirmations_lost or f.confirmations_doubled
    ]
    if bad or any(figures(run).reactions_lost for run in runs):
        raise SystemExit("something was lost or doubled (see above)")


if __name__ == "__main__":
    main()
