"""Benchmark: the targets of "Fast at any size", every comparison paired, in one run.

Each plan is made by ``scripts/make_plan.py`` (the real plan's Resolutions renumbered)
and imported by ``tsagbot import`` into a fresh SQLite file. Measured:

* ``/action`` over signed HTTP: the real ``tsagbot serve`` on that database beside a
  bare Bolt app whose ``/action`` only acknowledges, in Bolt's default mode, and the
  same with ``process_before_response=True`` (the floor of any Bolt app on waitress).
  One client sends one request to each server in turn, the order rotating at every
  round, so that whatever slows the machine slows all three alike; p50 and p99 of each
  run, and the ratios of tsagbot to the bare handler (p99) and to the floor (p50);
* the first ``/action`` after a status update (a signed channel message, waited for
  until the database holds it and the bot has handled it to the end, its confirmation
  posted: what the person who posted it sees before their next command) against the
  run's p50 (the server is then left to answer once, untimed, before the next
  update). Sent the moment the update is committed, the request would share the two
  cores with the rest of the update's handling (the author's name asked of Slack, the
  confirmation and the reaction posted) and with the fake Slack answering those posts
  in this very process, which times it;
* fuzzy search: ``SearchIndex.search`` p99 over the items of a synthetic plan, queries
  of one to four of the plan's words, half of them with a typo in each word;
* ``tsagbot ask "/action 50-18"``, the whole process, against
  ``python -c "import slack_bolt"``, run in turn (bytecode written once before);
* ``tsagbot import`` of N items: the process's time and peak RSS (the 20 MB document
  cap raised for the benchmark: 100,000 items of the real plan's length are 51 MB);
* ``/action`` on the smallest plan while ``tsagbot import`` writes a plan of 10,000
  items into its database (p99 of requests sent one after another meanwhile);
* channel messages at 500 events/s for 30 s (``scripts/bench_events.py``'s load) on a
  copy of the 10,000-item database, and on a fresh PostgreSQL database with
  ``--postgres``/TSAGBOT_TEST_POSTGRES_URL: ack p99, updates lost and doubled, and
  the server's RSS at the end;
* the weekly digest (build and render) with 32,000 updates in the week, 10,000 items.

Each figure is the median of ``--runs`` runs with its min–max; the load average is
printed with the tables. ``--write-readme`` replaces the README's tables between
``<!-- bench_all: begin -->`` and ``<!-- bench_all: end -->``. ``--quick`` runs small
sizes once (a smoke test of the script; its figures mean little). Progress goes to
stderr. Not a test: the figures depend on the machine.

Usage::

    python scripts/bench_all.py [--runs 3] [--plans 400,10000,100000] [--postgres URL]
                                [--write-readme]
    python scripts/bench_all.py --quick
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_slack import BOT_TOKEN, SECRET, percentile, send_action, typo  # noqa: E402
from benchkit import Process, load_average, running, spread, write_readme  # noqa: E402
from make_plan import make_plan  # noqa: E402
from sqlalchemy import create_engine, func, select  # noqa: E402

from bot.slack.local_api import LocalWebApi  # noqa: E402
from bot.slack.requests import JSON, event_body, message_event, post_signed  # noqa: E402
from bot.store.models import InboxEvent, OutboxPost, StatusUpdate  # noqa: E402
from bot.store.vocabulary import InboxStatus, PostStatus  # noqa: E402

CODE = "50-05"
"""An item every synthetic plan has (Resolution 50 holds at least six items from 400 on)."""
UPDATE_CHANNEL = "C0BENCHALL"
BOLT = "python -c 'import slack_bolt'"
OWN_PEAK = "own peak RSS kB:"
IMPORT_UNCAPPED = f"""
import atexit, dataclasses, sys
def own_peak():
    try:
        with open("/proc/self/status") as status:
            peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return
    print("{OWN_PEAK}", peak, file=sys.stderr)
atexit.register(own_peak)
import bot.documents.limits as limits
limits.LIMITS = dataclasses.replace(limits.LIMITS, document_bytes=1 << 31)
from bot.cli.main import main
sys.argv[0] = "tsagbot"
main()
"""
"""``tsagbot import`` with the document cap raised: bot.documents reads the cap when
imported, which the command does only once it reads the file.  It says its own peak
RSS as it ends (Linux): the ``ru_maxrss`` that ``wait4`` gives a child started from
this process is at least this process's own peak (Linux keeps the larger of the two
when the child execs), which after making a 100,000-item plan is 260 MB."""


@dataclass(frozen=True)
class Sizes:
    runs: int
    plans: tuple[int, ...]  # served and imported
    requests: int  # per server and run
    updates: int  # first /action after each of these, per run
    search_items: tuple[int, ...]
    queries: int
    cli_pairs: int  # per run
    digest_items: int
    digest_updates: int
    during_import: int  # /action on the smallest plan while a plan of this many is imported
    event_rate: float  # channel events a second, to serve on the plan nearest 10,000 items
    event_seconds: float


FULL = Sizes(
    3, (400, 10_000, 100_000), 200, 3, (10_000, 100_000), 300, 5, 10_000, 32_000, 10_000, 500, 30
)
QUICK = Sizes(1, (400,), 10, 1, (400,), 20, 1, 400, 500, 400, 20, 1)


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def child_env(**extra: str) -> dict[str, str]:
    """The environment of the processes measured: no Slack or tsagbot settings of this
    shell, and bytecode written (the venv's may be off, which makes every start compile)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "TSAGBOT_")) and key != "PYTHONDONTWRITEBYTECODE"
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env | extra


def timed_process(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run a Python process to its end: its wall time (s) and peak RSS (MB), the one it
    says itself if it does (:data:`IMPORT_UNCAPPED`)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{errors.decode(errors='replace')}")
    said = [line for line in errors.decode(errors="replace").splitlines() if OWN_PEAK in line]
    peak_kb = int(said[-1].split()[-1]) if said else usage.ru_maxrss
    return seconds, peak_kb / 1024


def import_plan(folder: Path, items: int) -> tuple[str, float, float]:
    """A fresh SQLite file holding a synthetic plan of ``items``: its URL, and the
    import's time and peak RSS."""
    plan = folder / f"plan-{items}.txt"
    plan.write_text(make_plan(items), "utf-8")
    url = f"sqlite:///{folder / f'plan-{items}.sqlite3'}"
    env = child_env(HOME=str(folder))
    args = ["-c", IMPORT_UNCAPPED, "import", str(plan), "--yes", "--db", url]
    seconds, peak = timed_process(args, env)
    plan.unlink()
    return url, seconds, peak


# -- /action over HTTP ----------------------------------------------------------------------


@dataclass
class HttpRun:
    p50: dict[str, float]
    p99: dict[str, float]
    after_update: float  # first /action after an update ÷ the run's p50
    failed: dict[str, int]  # answers not 200 with the item (the updates' included)


TSAGBOT, BARE, FLOOR = "tsagbot serve", "bare Bolt", "bare Bolt, process_before_response"


@contextmanager
def three_servers(
    url: str, folder: Path, names: tuple[str, ...] = (TSAGBOT, BARE, FLOOR)
) -> Iterator[dict[str, Process]]:
    """tsagbot serve on ``url`` and the two bare Bolt apps (or those of ``names``)."""
    with LocalWebApi() as slack, ExitStack() as stack:
        env = child_env(
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=slack.url,
            TSAGBOT_DATABASE_URL=url,
            TSAGBOT_SCHEDULER="off",
            PYTHONUNBUFFERED="1",
            HOME=str(folder),
        )
        bare = [str(ROOT / "scripts" / "bench_slack.py"), "--bare-server", "{port}"]
        commands = {
            TSAGBOT: ["-m", "bot", "serve", "--port", "{port}", "--host", "127.0.0.1"],
            BARE: bare,
            FLOOR: [*bare, "--process-before-response"],
        }
        yield {
            name: stack.enter_context(running(name, commands[name], env, folder)) for name in names
        }


class Client:
    """Sends ``/action``, timing each answer and counting those not 200 with the item
    (Bolt answers 404 when a listener has not acknowledged within 3 s)."""

    def __init__(self) -> None:
        self.failed: dict[str, int] = {}

    def action(self, server: Process, expect: bytes) -> float:
        start = time.perf_counter()
        try:
            ok = send_action(server.url, CODE, expect)
        except OSError:
            ok = False
        if not ok:
            self.failed[server.name] = self.failed.get(server.name, 0) + 1
        return time.perf_counter() - start

    def warm(self, server: Process, expect: bytes, answers: int = 10) -> None:
        """Until the server has answered ``answers`` times (the first requests authorize,
        and may build the index; after an update, it may still be at work), for at most a
        minute; untimed, and its failures not counted."""
        answered, give_up = 0, time.monotonic() + 60
        while answered < answers:
            if time.monotonic() > give_up:
                raise SystemExit(f"{server.name} did not answer /action {CODE}:\n{server.log}")
            answered += send_action(server.url, CODE, expect)


def wait_recorded(url: str, before: int, deadline: float = 60.0) -> None:
    """Until the database holds more than ``before`` status updates."""
    give_up = time.monotonic() + deadline
    while updates_recorded(url) <= before:
        if time.monotonic() > give_up:
            raise SystemExit("the status update was not recorded within a minute")
        time.sleep(0.01)


def wait_handled(url: str, deadline: float = 60.0) -> None:
    """Until the inbox holds no event still to handle and the outbox no post still to
    make: the bot has handled the update to the end."""
    unhandled = select(func.count(InboxEvent.id)).where(
        InboxEvent.status.in_([InboxStatus.PENDING, InboxStatus.WORKING])
    )
    unsent = select(func.count(OutboxPost.id)).where(
        OutboxPost.status.in_([PostStatus.PENDING, PostStatus.SENDING])
    )
    engine = create_engine(url)
    try:
        give_up = time.monotonic() + deadline
        while True:
            with engine.connect() as connection:
                if not connection.scalar(unhandled) and not connection.scalar(unsent):
                    return
            if time.monotonic() > give_up:
                raise SystemExit("the status update was not handled within a minute")
            time.sleep(0.01)
    finally:
        engine.dispose()


def updates_recorded(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.count(StatusUpdate.id))) or 0)
    finally:
        engine.dispose()


def http_runs(url: str, folder: Path, sizes: Sizes) -> list[HttpRun]:
    runs = []
    with three_servers(url, folder) as servers:
        expect = {TSAGBOT: f"{CODE}: ".encode(), BARE: b"", FLOOR: b""}
        order = list(servers.values())
        for server in order:
            Client().warm(server, expect[server.name])
        for run in range(sizes.runs):
            client = Client()
            latencies: dict[str, list[float]] = {name: [] for name in servers}
            for round_ in range(sizes.requests):
                shift = round_ % len(order)
                for server in order[shift:] + order[:shift]:
                    latencies[server.name].append(client.action(server, expect[server.name]))
            steady = statistics.median(latencies[TSAGBOT])
            ratios = []
            for update in range(sizes.updates):
                before = updates_recorded(url)
                text = f"update {CODE}: bench_all note {run}-{update}"
                ts = f"{1_900_000_000 + run * 1000 + update}.000100"
                body = event_body(message_event(text, channel=UPDATE_CHANNEL, ts=ts))
                status = post_signed(servers[TSAGBOT].url, body, JSON, SECRET, timeout=10)[0]
                if status != 200:
                    raise SystemExit(f"the update was answered {status}")
                wait_recorded(url, before)
                wait_handled(url)
                ratios.append(client.action(servers[TSAGBOT], expect[TSAGBOT]) / steady)
                client.warm(servers[TSAGBOT], expect[TSAGBOT], answers=1)
            runs.append(
                HttpRun(
                    {name: percentile(values, 0.5) for name, values in latencies.items()},
                    {name: percentile(values, 0.99) for name, values in latencies.items()},
                    statistics.median(ratios),
                    client.failed,
                )
            )
            say(f"  /action run {run + 1}: p99 {ms(runs[-1].p99[TSAGBOT])} ms")
    return runs


def during_import(url: str, folder: Path, items: int, runs: int) -> list[tuple[float, float]]:
    """p99 and max of ``/action`` (seconds) while ``tsagbot import`` writes a plan of ``items``
    into the database (a fresh copy of ``url``'s SQLite file each run), sent one after
    the other for as long as the import runs."""
    plan = folder / f"during-{items}.txt"
    plan.write_text(make_plan(items), "utf-8")
    source = Path(url.removeprefix("sqlite:///"))
    expect = f"{CODE}: ".encode()
    p99s = []
    for run in range(runs):
        copy = folder / f"during-{run}.sqlite3"
        shutil.copyfile(source, copy)
        copy_url = f"sqlite:///{copy}"
        with three_servers(copy_url, folder, (TSAGBOT,)) as servers:
            server = servers[TSAGBOT]
            client = Client()
            client.warm(server, expect)
            args = ["-c", IMPORT_UNCAPPED, "import", str(plan), "--yes", "--db", copy_url]
            importing = subprocess.Popen(
                [sys.executable, *args],
                cwd=ROOT,
                env=child_env(HOME=str(folder)),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            latencies = []
            while importing.poll() is None:
                latencies.append(client.action(server, expect))
            if importing.returncode != 0:
                raise SystemExit(f"the import during /action failed ({importing.returncode})")
        p99s.append((percentile(latencies, 0.99), max(latencies)))
        say(f"  /action during the import, run {run + 1}: {len(latencies)} requests")
    return p99s


@dataclass
class EventsRun:
    ack_p99: float  # seconds, from each event's send to its 200
    lost: int  # refused, or not recorded once bench_events stopped waiting (2 min)
    doubled: int
    rss_mb: float | None  # tsagbot serve's, once every listener is done


def events_run(backend: str, url: str | None, sizes: Sizes) -> EventsRun:
    """bench_events' load (one message in 20 an update, one update in 5 delivered twice)
    on ``url`` (None: a fresh SQLite file with the bundled plan)."""
    from bench_events import bench, lost_and_doubled

    load = argparse.Namespace(
        rate=sizes.event_rate,
        seconds=sizes.event_seconds,
        clients=32,
        update_every=20,
        duplicate_every=5,
    )
    run = bench(backend, url, load)
    lost, doubled = lost_and_doubled(run)
    ack_p99 = percentile([sent.from_send for sent in run.sent], 0.99)
    failed = sum(sent.status != 200 for sent in run.sent)
    return EventsRun(ack_p99, lost + failed, doubled, run.server_rss_mb)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


# -- search, the CLI, the digest ------------------------------------------------------------


def search_p99(items: int, queries: int) -> float:
    """p99 of ``SearchIndex.search`` (seconds) over a synthetic plan of ``items``."""
    from bot.documents.text_export import read_text_export
    from bot.plan.interpret import interpret
    from bot.plan.search import Document, SearchIndex

    plan = interpret(read_text_export(make_plan(items)))
    titles = {resolution.key: resolution.title for resolution in plan.resolutions}
    index = SearchIndex(
        Document(item.id, item.action, titles.get(item.resolution, ""), item.status)
        for item in plan.active
    )
    rng = random.Random(20261206)
    words = sorted({word.lower() for word in index.vocabulary if len(word) >= 5})
    timings = []
    for n in range(queries):
        picked = rng.sample(words, rng.randint(1, 4))
        if n % 2 == 0:
            picked = [typo(word, rng) for word in picked]
        start = time.perf_counter()
        index.search(" ".join(picked), limit=8)
        timings.append(time.perf_counter() - start)
    return percentile(timings, 0.99)


def cli_ratio(folder: Path, pairs: int) -> tuple[float, float, float]:
    """Median seconds of ``tsagbot ask "/action 50-18"`` and of ``import slack_bolt``,
    run in turn ``pairs`` times, and the ratio of the medians."""
    env = child_env(HOME=str(folder / "cli-home"))
    commands = {
        "ask": ["-m", "bot", "ask", "/action 50-18"],
        "bolt": ["-c", "import slack_bolt"],
    }
    for args in commands.values():  # the database made, the bytecode written
        timed_process(args, env)
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    for n in range(pairs):
        for name in list(commands)[n % 2 :] + list(commands)[: n % 2]:
            seconds[name].append(timed_process(commands[name], env)[0])
    ask, bolt = statistics.median(seconds["ask"]), statistics.median(seconds["bolt"])
    return ask, bolt, ask / bolt


def digest_seconds(items: int, updates: int) -> float:
    """build_digest + render_digest on a synthetic database of ``items`` and ``updates``
    in the week (bench_digest's moment and zone)."""
    from bench_digest import GENEVA, NOW

    from bot.posting.digest import build_digest
    from bot.posting.digest_text import render_digest
    from bot.render import Renderer
    from bot.store.db import Database
    from bot.store.synthetic import fill_synthetic

    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/digest.sqlite3")
        db.upgrade()
        with db.unit_of_work() as session:
            fill_synthetic(session, NOW, items=items, updates=updates, meetings=100)
            session.commit()
        renderer = Renderer()
        start = time.perf_counter()
        with db.unit_of_work() as session:
            render_digest(renderer, build_digest(session, NOW, GENEVA))
        seconds = time.perf_counter() - start
        db.dispose()
    return seconds


# -- the whole run --------------------------------------------------------------------------


@dataclass
class Results:
    http: dict[int, list[HttpRun]]
    imports: dict[int, list[tuple[float, float]]]
    search: dict[int, list[float]]
    cli: list[tuple[float, float, float]]
    digest: list[float]
    during_import: list[tuple[float, float]]
    events: dict[str, list[EventsRun]]
    loads: list[float]
    events_items: int = 0


def measure(sizes: Sizes, postgres: str) -> Results:
    results = Results({}, {}, {}, [], [], [], {}, [load_average()])
    urls: dict[int, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for items in sizes.plans:
            for run in range(sizes.runs):
                say(f"import of {items:,} items, run {run + 1}/{sizes.runs}")
                where = folder / f"{items}-{run}"
                where.mkdir()
                url, seconds, peak = import_plan(where, items)
                results.imports.setdefault(items, []).append((seconds, peak))
            urls[items] = url
            say(f"/action over HTTP at {items:,} items")
            results.http[items] = http_runs(url, folder, sizes)
            results.loads.append(load_average())
            if items == min(sizes.plans):
                say(f"/action at {items:,} items while {sizes.during_import:,} are imported")
                results.during_import = during_import(url, folder, sizes.during_import, sizes.runs)
        events_items = min(urls, key=lambda items: abs(items - 10_000))
        results.events_items = events_items
        for run in range(sizes.runs):
            say(f"{sizes.event_rate:g} channel events/s on SQLite, {events_items:,} items")
            copy = folder / f"events-{run}.sqlite3"
            shutil.copyfile(urls[events_items].removeprefix("sqlite:///"), copy)
            results.events.setdefault("SQLite", []).append(
                events_run("SQLite", f"sqlite:///{copy}", sizes)
            )
            if postgres:
                from bench_events import fresh_postgres

                say(f"{sizes.event_rate:g} channel events/s on PostgreSQL, the bundled plan")
                with fresh_postgres(postgres) as url:
                    results.events.setdefault("PostgreSQL", []).append(
                        events_run("PostgreSQL", url, sizes)
                    )
            results.loads.append(load_average())
        for run in range(sizes.runs):
            for items in sizes.search_items:
                say(f"fuzzy search at {items:,} items, run {run + 1}")
                results.search.setdefault(items, []).append(search_p99(items, sizes.queries))
            say(f"tsagbot ask against import slack_bolt, run {run + 1}")
            results.cli.append(cli_ratio(folder, sizes.cli_pairs))
            say(f"digest with {sizes.digest_updates:,} updates, run {run + 1}")
            results.digest.append(digest_seconds(sizes.digest_items, sizes.digest_updates))
            results.loads.append(load_average())
    return results


def tables(results: Results, sizes: Sizes) -> str:
    def each(values: Iterable[float], scale: float = 1000, digits: int = 1) -> str:
        return spread([value * scale for value in values], digits)

    lines = [
        f"One run of `scripts/bench_all.py`: medians of {sizes.runs} runs (min–max); "
        f"load average {min(results.loads):.1f}–{max(results.loads):.1f} on "
        f"{os.cpu_count()} cores. `/action {CODE}` over signed HTTP, {sizes.requests} "
        "rounds of one request to each server in rotating order (targets: p99 ratio "
        "≤ 1.0× at 400 items and ≤ 1.2× at 100,000; p50 ≤ 3× the floor; after an update "
        "≤ 1.2× at 10,000 and 100,000):",
        "",
        "| items | tsagbot p50 ms | tsagbot p99 ms | bare Bolt p99 ms | p99 ratio "
        "| floor p50 ms | p50 ratio to the floor | first `/action` after an update "
        "÷ tsagbot p50 | tsagbot answers not 200 with the item |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for items, runs in results.http.items():
        lines.append(
            f"| {items:,} | {each(r.p50[TSAGBOT] for r in runs)} "
            f"| {each(r.p99[TSAGBOT] for r in runs)} | {each(r.p99[BARE] for r in runs)} "
            f"| {each((r.p99[TSAGBOT] / r.p99[BARE] for r in runs), 1, 2)}× "
            f"| {each(r.p50[FLOOR] for r in runs)} "
            f"| {each((r.p50[TSAGBOT] / r.p50[FLOOR] for r in runs), 1, 2)}× "
            f"| {each((r.after_update for r in runs), 1, 2)}× "
            f"| {sum(r.failed.get(TSAGBOT, 0) for r in runs)} |"
        )
    lines += [
        "",
        "| measure | figure | target |",
        "|---|---:|---|",
        *(
            f"| fuzzy search p99, {items:,} items, {sizes.queries} queries (half with typos) "
            f"| {each(p99s, 1000, 2)} ms | ≤ 10 ms at 10,000, ≤ 25 ms at 100,000 |"
            for items, p99s in results.search.items()
        ),
        f'| `tsagbot ask "/action 50-18"` ÷ `{BOLT}`, whole processes '
        f"| {each((c[2] for c in results.cli), 1, 2)}× "
        f"({each((c[0] for c in results.cli), 1000, 0)} ms ÷ "
        f"{each((c[1] for c in results.cli), 1000, 0)} ms) | ≤ 2.5× |",
    ]
    for items, imports in results.imports.items():
        lines.append(
            f"| `tsagbot import` of {items:,} items: time, peak RSS "
            f"| {each((r[0] for r in imports), 1, 1)} s, {each((r[1] for r in imports), 1, 0)} MB "
            "| RSS ≤ 300 MB at 100,000; time linear |"
        )
    lines.append(
        f"| `/action` p99 at {min(sizes.plans):,} items while `tsagbot import` writes "
        f"{sizes.during_import:,}: p99 (max) | {each(r[0] for r in results.during_import)} ms "
        f"({each(r[1] for r in results.during_import)} ms) | p99 ≤ 100 ms |"
    )
    events = int(sizes.event_rate * sizes.event_seconds)
    for backend, event_runs in results.events.items():
        plan = f"{results.events_items:,} items" if backend == "SQLite" else "the bundled plan"
        lines.append(
            f"| {sizes.event_rate:g} channel events/s for {sizes.event_seconds:g} s, {backend}, "
            f"{plan}: ack p99; lost or not done 2 min after; doubled "
            f"| {each(r.ack_p99 for r in event_runs)} ms; "
            f"{sum(r.lost for r in event_runs)}; {sum(r.doubled for r in event_runs)} "
            "| ack p99 ≤ 50 ms, 0 lost, 0 doubled |"
        )
        rss = [r.rss_mb for r in event_runs if r.rss_mb is not None]
        if backend == "SQLite" and rss:
            lines.append(
                f"| `tsagbot serve` RSS, {plan}, after {events:,} events "
                f"| {spread(rss)} MB | ≤ 150 MB (10,000 items, 10,000 events) |"
            )
    lines.append(
        f"| weekly digest, {sizes.digest_updates:,} updates in the week, "
        f"{sizes.digest_items:,} items | {each(results.digest, 1, 2)} s | ≤ 0.5 s |"
    )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, help="runs of each measure (3; --quick: 1)")
    parser.add_argument("--quick", action="store_true", help="small sizes, one run")
    parser.add_argument("--write-readme", action="store_true", help="replace README's tables")
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=os.environ.get("TSAGBOT_TEST_POSTGRES_URL", ""),
        help="run the channel events on a fresh PostgreSQL database of this server too "
        "(default: TSAGBOT_TEST_POSTGRES_URL)",
    )
    parser.add_argument(
        "--plans", metavar="N,N", help="plan sizes served and imported (400,10000,100000)"
    )
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    if args.runs is not None:
        if args.runs < 1:
            parser.error("--runs must be at least 1")
        sizes = replace(sizes, runs=args.runs)
    if args.plans:
        try:
            plans = tuple(int(size) for size in args.plans.split(","))
        except ValueError:
            parser.error("--plans takes sizes such as 400,10000")
        if min(plans) < 400:
            parser.error("--plans: 400 items at least (bench_all asks for 50-05)")
        sizes = replace(sizes, plans=plans)
    started = time.monotonic()
    text = tables(measure(sizes, args.postgres), sizes)
    say(f"done in {time.monotonic() - started:.0f} s")
    print(text)
    if args.write_readme:
        write_readme(text, "bench_all")


if __name__ == "__main__":
    main()
