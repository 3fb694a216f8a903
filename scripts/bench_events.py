"""Benchmark: channel messages over HTTP to the real ``tsagbot serve``, none lost, none doubled.

Starts ``tsagbot serve`` on a fresh database (a SQLite file in a temporary folder; with
``--postgres URL`` also a fresh PostgreSQL database created on that server and dropped
afterwards) with its Web API pointed at a fake Slack on loopback, and sends it signed
Events API ``message`` events at a steady rate, open loop: every event has its planned
send time, a bounded pool of client threads sends it then, and a slow server cannot
slow the load down.  One message in ``--update-every`` (20) is a status update
(``NN-MM done`` over ids of the plan, each message its own ``ts``), and one update in
``--duplicate-every`` (5) is delivered a second time a little later with
``X-Slack-Retry-Num: 1``, as Slack does when an answer is late; the rest is chatter
(ids, negations, questions the bot does not answer).

Ack latency (Slack wants 200 within 3 s) is measured from each event's planned time
(so a late send counts) and from its actual send.  Afterwards the script waits for the
listeners to finish, then counts in the database the messages and updates recorded
against the update messages sent, and in the fake Slack the thread replies and
reactions: each must be exactly one per update message.  Prints Markdown tables.

Usage::

    python scripts/bench_events.py [--rate 200] [--seconds 15] [--clients 32]
                                   [--postgres URL]   # default: TSAGBOT_TEST_POSTGRES_URL
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchkit import Process, running  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bot.plan.updates.parse import parse_message  # noqa: E402
from bot.slack.local_api import LocalWebApi  # noqa: E402
from bot.slack.requests import JSON, event_body, message_event, post_signed, sign  # noqa: E402

SECRET = "b3nch-signing-secret-0123456789ab"
SLACK_DEADLINE = 3.0
"""Slack gives up on a request that is not answered within three seconds."""

CHANNELS = ("C0BENCH1", "C0BENCH2", "C0BENCH3", "C0BENCH4")
WARM_CHANNEL = "C0WARMUP"
USERS = [f"U0BENCH{n:02d}" for n in range(1, 21)]
RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
CHATTER = [
    "thanks, see you at the SG17 meeting",
    "can someone look at {id}?",
    "{id} not done yet, the LS is still with SG2",
    "{id} will be done next week",
    "maybe {id} done, checking with the rapporteur",
    "the draft is in TD 553R2, comments welcome",
    "meeting moved to 14:00-15:30 CET, room K",
    "I think {id} and {id2} need another round",
    "<@U0BENCH02> could you take {id}?",
    "see https://www.itu.int/md/T22-TSAG-230530-TD-GEN-0206 for {id}",
    "> {id} done\nthat was last year's",
    "`{id} done` is how you report it",
    "lunch?",
    "Agenda for Friday: 1) opening 2) {id} 3) AOB",
]
DUPLICATE_DELAY = 1
"""A duplicate delivery goes this many slots after its original (5 ms at 200/s: it races
the listener of the original)."""


@dataclass
class Planned:
    kind: str  # update, duplicate, chatter
    ts: str
    body: bytes
    headers: dict[str, str] | None = None


@dataclass
class Sent:
    from_planned: float
    from_send: float
    late: float
    status: int


@dataclass
class Run:
    backend: str
    planned: list[Planned]
    sent: list[Sent]
    elapsed: float
    drain: float
    recorded_messages: Counter[str] = field(default_factory=Counter)
    recorded_updates: Counter[str] = field(default_factory=Counter)
    replies: Counter[str] = field(default_factory=Counter)
    reactions: Counter[str] = field(default_factory=Counter)
    server_cpu: float | None = None
    server_rss_mb: float | None = None  # once the listeners are done


# -- the load ---------------------------------------------------------------------------------


def plan_codes(database_url: str) -> list[str]:
    """Ids of active items that ``NN-MM done`` records as written."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            codes = connection.scalars(
                text("SELECT code FROM action_items WHERE appendix = '' ORDER BY position")
            ).all()
    finally:
        engine.dispose()
    usable = []
    for code in codes:
        if not re.fullmatch(r"\d{1,3}-\d{1,2}", code):
            continue
        updates = parse_message(f"{code} done").updates
        if [(u.item, u.kind) for u in updates] == [(code, "completed")]:
            usable.append(code)
    assert len(usable) > 50, usable
    return usable


def schedule(
    total: int, codes: list[str], update_every: int, duplicate_every: int
) -> list[Planned]:
    rng = random.Random(20241120)
    base = 1_800_000_000
    planned: list[Planned] = []
    originals: dict[int, Planned] = {}
    updates = 0
    for slot in range(total):
        ts = f"{base + slot}.{slot % 1_000_000:06d}"
        channel, user = rng.choice(CHANNELS), rng.choice(USERS)
        source = slot - DUPLICATE_DELAY
        if slot % update_every == 0:
            event = message_event(f"{rng.choice(codes)} done", user=user, channel=channel, ts=ts)
            planned.append(Planned("update", ts, event_body(event)))
            updates += 1
            if updates % duplicate_every == 0:
                originals[slot] = planned[-1]
        elif source in originals:
            original = originals.pop(source)
            planned.append(Planned("duplicate", original.ts, original.body, RETRY))
        else:
            a, b = rng.sample(codes, 2)
            chatter = rng.choice(CHATTER).format(id=a, id2=b)
            assert not parse_message(chatter).updates
            assert not parse_message(chatter).question
            event = message_event(chatter, user=user, channel=channel, ts=ts)
            planned.append(Planned("chatter", ts, event_body(event)))
    return planned


def send_all(server: Process, planned: list[Planned], rate: float, clients: int) -> list[Sent]:
    """Each event at its planned time (open loop), by a bounded pool of client threads.

    The bodies are signed before the clock starts and each thread keeps its connection
    open (as Slack does), so that the client's own work costs the measure little: on
    two cores it shares the CPU with the server."""
    results: list[Sent | None] = [None] * len(planned)
    signed = [_signed(item) for item in planned]
    address = urlsplit(server.url)
    local = threading.local()

    def send(index: int, due: float) -> None:
        sent = time.monotonic()
        try:
            status = _post(local, address, signed[index])
        except (OSError, http.client.HTTPException):
            local.connection = None
            status = 0
        done = time.monotonic()
        results[index] = Sent(done - due, done - sent, sent - due, status)

    start = time.monotonic() + 0.2
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for index in range(len(planned)):
            due = start + index / rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, index, due)
    assert all(result is not None for result in results)
    return [result for result in results if result is not None]


def _signed(item: Planned) -> tuple[bytes, dict[str, str]]:
    headers = sign(SECRET, item.body, content_type=JSON)
    headers.update(item.headers or {})
    return item.body, headers


def _post(
    local: threading.local, address: SplitResult, request: tuple[bytes, dict[str, str]]
) -> int:
    """POST on this thread's kept-alive connection (opened again if the server closed it)."""
    body, headers = request
    for attempt in (1, 2):
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
            local.connection = connection
        try:
            connection.request("POST", address.path, body, headers)
            response = connection.getresponse()
            response.read()
            return response.status
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            connection.close()
            local.connection = None
            if attempt == 2:
                raise
    return 0


# -- counting ---------------------------------------------------------------------------------


def wait_for_listeners(slack: LocalWebApi, updates: set[str], timeout: float) -> float:
    """Seconds until every update got its thread reply, plus a quiet second for stragglers."""
    start = time.monotonic()
    deadline = start + timeout
    count = 1
    while time.monotonic() < deadline:
        remaining = max(deadline - time.monotonic(), 0.01)
        try:
            calls = slack.wait_for("chat.postMessage", count, timeout=min(remaining, 1.0))
        except AssertionError:
            calls = slack.calls_to("chat.postMessage")
        answered = {c.params.get("thread_ts") for c in calls if c.status == 200}
        if updates <= answered:
            break
        count = len(calls) + 1
    drained = time.monotonic() - start
    time.sleep(1.0)  # doubled replies would come now
    return drained


def count_database(url: str) -> tuple[Counter[str], Counter[str]]:
    """Recorded messages and updates per message ts, in the bench channels."""
    engine = create_engine(url)
    channels = ", ".join(f"'{c}'" for c in CHANNELS)
    try:
        with engine.connect() as connection:
            messages = Counter(
                connection.scalars(
                    text(f"SELECT ts FROM slack_messages WHERE channel IN ({channels})")
                ).all()
            )
            updates = Counter(
                connection.scalars(
                    text(
                        "SELECT m.ts FROM status_updates u JOIN slack_messages m "
                        f"ON u.message_id = m.id WHERE m.channel IN ({channels})"
                    )
                ).all()
            )
    finally:
        engine.dispose()
    return messages, updates


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process in MB (Linux), else None."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    kilobytes = next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(kilobytes) / 1024


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux), else None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# -- one run ----------------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_postgres(url: str) -> Iterator[str]:
    admin_url = make_url(url).set(drivername="postgresql+psycopg")
    name = f"tsagbot_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def serving(
    folder: Path, slack: LocalWebApi, database_url: str | None
) -> Iterator[tuple[Process, str]]:
    """``tsagbot serve`` on a free port, talking to ``slack``; a SQLite file by default."""
    database_url = database_url or f"sqlite:///{folder / 'tsagbot.sqlite3'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TSAGBOT_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-0000-bench",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=slack.url,
        TSAGBOT_DATABASE_URL=database_url,
        PYTHONUNBUFFERED="1",
    )
    serve = ["-m", "bot", "serve", "--port", "{port}", "--host", "127.0.0.1"]
    with running("tsagbot serve", serve, env, folder) as server:
        yield server, database_url


def bench(backend: str, database_url: str | None, args: argparse.Namespace) -> Run:
    with (
        LocalWebApi() as slack,
        tempfile.TemporaryDirectory() as tmp,
        serving(Path(tmp), slack, database_url) as (server, database_url),
    ):
        for n, user in enumerate(USERS, 1):
            slack.users[user] = {"display_name": f"Delegate {n}"}
        codes = plan_codes(database_url)
        warm = [message_event("thanks", channel=WARM_CHANNEL) for _ in range(20)]
        warm.append(message_event(f"{codes[0]} done", channel=WARM_CHANNEL))
        for event in warm:  # first requests authorise, open connections, fill caches
            status = post_signed(server.url, event_body(event), JSON, SECRET)
            assert status[0] == 200, status
        slack.wait_for("chat.postMessage", 1, timeout=10)
        slack.clear()

        total = int(args.rate * args.seconds)
        planned = schedule(total, codes, args.update_every, args.duplicate_every)
        cpu_before = cpu_seconds(server.process.pid)
        start = time.monotonic()
        sent = send_all(server, planned, args.rate, args.clients)
        elapsed = time.monotonic() - start - 0.2
        updates = {p.ts for p in planned if p.kind == "update"}
        drain = wait_for_listeners(slack, updates, timeout=120)
        cpu_after = cpu_seconds(server.process.pid)
        run = Run(backend, planned, sent, elapsed, drain)
        run.server_rss_mb = rss_mb(server.process.pid)
        if cpu_before is not None and cpu_after is not None:
            run.server_cpu = cpu_after - cpu_before
        run.recorded_messages, run.recorded_updates = count_database(database_url)
        run.replies = Counter(
            c.params.get("thread_ts")
            for c in slack.calls_to("chat.postMessage")
            if c.status == 200 and c.params.get("thread_ts") in updates
        )
        run.reactions = Counter(
            c.params.get("timestamp")
            for c in slack.calls_to("reactions.add")
            if c.status == 200 and c.params.get("timestamp") in updates
        )
        output = server.log.read_text(encoding="utf-8", errors="replace")
        if server.process.poll() is not None:
            raise SystemExit(f"tsagbot serve died:\n{output}")
        errors = output.count(" ERROR ")
        if errors:
            print(f"(the server logged {errors} errors; see its output)", file=sys.stderr)
    return run


# -- report -----------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def lost_and_doubled(run: Run) -> tuple[int, int]:
    """Update messages sent but not recorded (as a message or as an update), and those
    recorded more than once."""
    updates = {p.ts for p in run.planned if p.kind == "update"}
    lost = len(updates - set(run.recorded_updates)) + len(updates - set(run.recorded_messages))
    doubled = sum(n > 1 for n in run.recorded_updates.values()) + sum(
        n > 1 for n in run.recorded_messages.values()
    )
    return lost, doubled


def report(runs: list[Run], args: argparse.Namespace) -> bool:
    print(
        f"### Channel messages over HTTP: {args.rate:g} events/s for {args.seconds:g} s, "
        f"{args.clients} client threads, open loop\n"
    )
    print(
        "| database | events | non-200 | achieved ev/s | ack p50 ms | ack p99 ms | ack max ms "
        "| p99 from planned ms | sends > 50 ms late | < 3 s | server CPU |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for run in runs:
        service = [s.from_send for s in run.sent]
        planned = [s.from_planned for s in run.sent]
        last = max(s.late + s.from_send for s in run.sent)
        achieved = len(run.sent) / max(run.elapsed, last)
        cpu = f"{run.server_cpu / run.elapsed:.0%} of a core" if run.server_cpu else "n/a"
        print(
            f"| {run.backend} | {len(run.sent)} | {sum(s.status != 200 for s in run.sent)} | "
            f"{achieved:.1f} | {ms(statistics.median(service))} | "
            f"{ms(percentile(service, 0.99))} | {ms(max(service))} | "
            f"{ms(percentile(planned, 0.99))} | {sum(s.late > 0.05 for s in run.sent)} | "
            f"{sum(p < SLACK_DEADLINE for p in planned)}/{len(planned)} | {cpu} |"
        )
    print(
        "\n| database | update messages | duplicate deliveries | chatter | messages recorded "
        "| updates recorded | lost | doubled | thread replies | reactions | stray | "
        "listeners done after |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    good = True
    for run in runs:
        kinds = Counter(p.kind for p in run.planned)
        updates = {p.ts for p in run.planned if p.kind == "update"}
        recorded = set(run.recorded_updates)
        lost, doubled = lost_and_doubled(run)
        stray = len(recorded - updates) + len(set(run.recorded_messages) - updates)
        replies_ok = set(run.replies) == updates and all(n == 1 for n in run.replies.values())
        reactions_ok = set(run.reactions) == updates and all(n == 1 for n in run.reactions.values())
        good &= not (lost or doubled or stray) and replies_ok and reactions_ok
        good &= all(s.status == 200 for s in run.sent)
        print(
            f"| {run.backend} | {kinds['update']} | {kinds['duplicate']} | {kinds['chatter']} | "
            f"{sum(run.recorded_messages.values())} | {sum(run.recorded_updates.values())} | "
            f"{lost} | {doubled} | {sum(run.replies.values())} | "
            f"{sum(run.reactions.values())} | {stray} | {run.drain:.1f} s |"
        )
    print(
        "\nack: from the send to the 200 (Slack's clock starts when it sends); "
        "p99 from planned: from the event's planned send time, so client lateness counts.  "
        "Every update message must be recorded once with one update, one thread reply and "
        "one reaction, its duplicate delivery changing nothing.\n"
    )
    return good


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=200.0, help="events per second")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of the load")
    parser.add_argument("--clients", type=int, default=32, help="client threads (the bound)")
    parser.add_argument("--update-every", type=int, default=20, help="one update in N messages")
    parser.add_argument(
        "--duplicate-every", type=int, default=5, help="one update in N is delivered twice"
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=os.environ.get("TSAGBOT_TEST_POSTGRES_URL", ""),
        help="also run on a fresh database of this PostgreSQL server "
        "(default: TSAGBOT_TEST_POSTGRES_URL)",
    )
    args = parser.parse_args()
    if not 0 < args.rate * args.seconds <= 100_000:
        parser.error("--rate × --seconds must be between 1 and 100000 events")
    runs = [bench("SQLite", None, args)]
    if args.postgres:
        with fresh_postgres(args.postgres) as url:
            runs.append(bench("PostgreSQL", url, args))
    if not report(runs, args):
        raise SystemExit("some update was lost or doubled, or a request failed (see above)")


if __name__ == "__main__":
    main()
