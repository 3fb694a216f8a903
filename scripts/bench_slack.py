"""Benchmark: how fast Slack gets its answer, and how search scales.

(a) Starts the real ``tsagbot serve`` (fresh SQLite file, bundled plan, Web API on a
    fake Slack on loopback) and, beside it, a bare Bolt app whose ``/action`` only
    calls ``ack()``, served by the same waitress + SlackRequestHandler stack.  Each is
    sent signed ``/action 50-18`` slash commands at a steady rate (open loop: every
    request has its planned send time, and its latency counts from that time, so a
    slow server cannot slow the load down), and the latencies are compared.
(b) Builds a synthetic plan of 10,000 items from the words of the real plan, indexes
    it with :class:`bot.plan.search.SearchIndex`, and times queries with typos.

Everything runs on 127.0.0.1 and every loop is bounded.  Prints Markdown tables.

Usage::

    python scripts/bench_slack.py [--rate 50] [--seconds 10] [--clients 16]
                                  [--items 10000] [--queries 500]
    python scripts/bench_slack.py --bare-server PORT [--process-before-response]
                                  # (internal) the bare server
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchkit import running  # noqa: E402

from bot.slack.local_api import LocalWebApi  # noqa: E402
from bot.slack.requests import post_signed, slash_command_body  # noqa: E402

SECRET = "b3nch-signing-secret-0123456789ab"
BOT_TOKEN = "xoxb-0000-bench"
SLACK_DEADLINE = 3.0


# -- the bare server ------------------------------------------------------------------------


def bare_server(port: int, *, process_before_response: bool = False) -> None:
    """A Bolt app that only acknowledges /action, behind the stack tsagbot serve uses;
    in Bolt's default mode, or with ``process_before_response`` (no wait on Bolt's
    10 ms poll for the acknowledgement: the floor of any Bolt app on this stack)."""
    from slack_bolt import Ack, App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient

    from bot.slack.server import EVENTS_PATH, serve_http

    client = WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"])
    app = App(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        raise_error_for_unhandled_request=False,
        process_before_response=process_before_response,
        name="bare",
    )

    @app.command("/action")
    def action(ack: Ack) -> None:
        ack()

    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "3")])
            return [b"ok\n"]
        return slack(environ, start_response)

    serve_http(application, "127.0.0.1", port)


# -- running servers ------------------------------------------------------------------------


# -- the load -------------------------------------------------------------------------------


@dataclass
class LoadResult:
    latencies: list[float]  # seconds, from each request's planned send time
    errors: int
    late_starts: int  # requests sent more than 50 ms after their planned time
    duration: float


def send_action(url: str, text: str, expect: bytes = b"") -> bool:
    """One signed ``/action TEXT``; True when answered 200 with ``expect`` in the body."""
    body = slash_command_body("/action", text, response_url="http://127.0.0.1:9/response/unused")
    status, _, raw = post_signed(url, body, "application/x-www-form-urlencoded", SECRET)
    return status == 200 and expect in raw


def load(
    url: str, rate: float, seconds: float, clients: int, text: str, expect: bytes
) -> LoadResult:
    """Send ``rate`` requests a second for ``seconds``, each at its planned time."""
    total = int(rate * seconds)
    start = time.monotonic() + 0.2
    planned = [start + i / rate for i in range(total)]
    latencies: list[float] = []
    errors = 0
    late = 0
    lock = threading.Lock()
    next_index = iter(range(total))

    def client() -> None:
        nonlocal errors, late
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                return
            due = planned[index]
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            sent = time.monotonic()
            try:
                ok = send_action(url, text, expect)
            except OSError:
                ok = False
            done = time.monotonic()
            with lock:
                latencies.append(done - due)
                errors += not ok
                late += sent - due > 0.05

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return LoadResult(latencies, errors, late, time.monotonic() - start)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def bench_http(rate: float, seconds: float, clients: int) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TSAGBOT_"))}
    with LocalWebApi() as slack, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env.update(
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=slack.url,
            TSAGBOT_DATABASE_URL=f"sqlite:///{folder / 'bench.sqlite3'}",
            PYTHONUNBUFFERED="1",
        )
        serve = ["-m", "bot", "serve", "--port", "{port}", "--host", "127.0.0.1"]
        bare = [str(Path(__file__).resolve()), "--bare-server", "{port}"]
        results: dict[str, LoadResult] = {}
        with (
            running("tsagbot serve", serve, env, folder) as tsagbot,
            running("bare Bolt ack()", bare, env, folder) as baseline,
        ):
            # tsagbot must answer with the card; the bare app acknowledges with nothing.
            expect = {tsagbot.name: b"Cybersecurity", baseline.name: b""}
            for server in (tsagbot, baseline):
                for _ in range(20):  # warm up: first requests authorize, build the index
                    ok = send_action(server.url, "50-18", expect[server.name])
                    assert ok, server.log.read_text()
            for server in (tsagbot, baseline):
                results[server.name] = load(
                    server.url, rate, seconds, clients, "50-18", expect[server.name]
                )
                if server.process.poll() is not None:
                    raise SystemExit(f"{server.name} died:\n{server.log.read_text()}")

    print(
        f"### (a) `/action 50-18` over HTTP: {rate:g} req/s for {seconds:g} s, "
        f"{clients} client threads, open loop\n"
    )
    print("| server | requests | errors | late sends | p50 ms | p99 ms | max ms | < 3 s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, result in results.items():
        lat = result.latencies
        within = sum(value < SLACK_DEADLINE for value in lat)
        print(
            f"| {name} | {len(lat)} | {result.errors} | {result.late_starts} | "
            f"{ms(percentile(lat, 0.5))} | {ms(percentile(lat, 0.99))} | {ms(max(lat))} | "
            f"{within}/{len(lat)} |"
        )
    full, base = (results[name].latencies for name in results)
    ratios = [percentile(full, q) / percentile(base, q) for q in (0.5, 0.99)] + [
        max(full) / max(base)
    ]
    print(
        f"| **ratio** tsagbot / bare | | | | {ratios[0]:.2f}× | {ratios[1]:.2f}× | "
        f"{ratios[2]:.2f}× | |"
    )
    print(
        "\nBoth include Bolt's wait for `ack()`: with process_before_response off it polls "
        "every 10 ms (slack_bolt/listener/thread_runner.py), the floor of both columns.\n"
    )


# -- search at scale ------------------------------------------------------------------------

WORD = re.compile(r"[A-Za-z][A-Za-z0-9'-]+")


def plan_words() -> tuple[list[str], list[str]]:
    """Words of the real plan (with their frequencies) and its Resolution titles."""
    from bot.plan.importing import bundled_plan

    seed = ROOT.parent / "shared" / "seeds" / "004_d127366013943a34.txt"
    text = seed.read_text("utf-8") if seed.exists() else bundled_plan().decode("utf-8")
    words = WORD.findall(text)
    titles = sorted(
        {
            line.split("–", 1)[1].strip()
            for line in map(str.strip, text.splitlines())
            if line.startswith(("Resolution ", "Opinion ")) and "–" in line and len(line) < 300
        }
    )
    assert len(titles) > 20, "the plan's Resolution titles were not found"
    return words, titles


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["drop", "swap", "replace", "double"])
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "swap":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    if kind == "replace":
        return word[:i] + rng.choice("aeiourstln") + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def bench_search(items: int, queries: int) -> None:
    from bot.plan.search import Document, SearchIndex

    rng = random.Random(20240501)
    words, titles = plan_words()

    def sentence(low: int, high: int) -> str:
        start = rng.randrange(len(words))
        phrase = words[start : start + rng.randint(low, high)]  # a real phrase...
        mixed = phrase[len(phrase) // 2 :] + rng.choices(words, k=rng.randint(0, 6))
        rng.shuffle(mixed)  # ...whose second half is mixed with other words of the plan
        return " ".join(phrase[: len(phrase) // 2] + mixed)

    documents = [
        Document(
            key=f"{n // 100 + 1:02d}-{n % 100 + 1:02d}",
            action=sentence(12, 45),
            title=rng.choice(titles),
            status=sentence(0, 80) if rng.random() < 0.8 else "",
        )
        for n in range(items)
    ]
    start = time.perf_counter()
    index = SearchIndex(documents)
    build = time.perf_counter() - start

    long_words = [w.lower() for w in words if len(w) >= 5]
    asked = []
    for n in range(queries):
        picked = rng.sample(long_words, rng.randint(1, 4))
        if n % 2 == 0:  # half of the queries have a typo in each word
            picked = [typo(word, rng) for word in picked]
        asked.append(" ".join(picked))
    timings, hits = [], 0
    for query in asked:
        start = time.perf_counter()
        found = index.search(query, limit=8)
        timings.append(time.perf_counter() - start)
        hits += bool(found)

    typo_times = timings[0::2]
    clean_times = timings[1::2]
    print(
        f"### (b) `SearchIndex` on a synthetic plan of {items:,} items "
        f"({len(index.vocabulary):,} distinct words)\n"
    )
    print(f"Index built in {build * 1000:.0f} ms; {hits}/{queries} queries found something.\n")
    print("| queries | count | p50 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    for name, values in (
        ("all", timings),
        ("with typos", typo_times),
        ("spelled right", clean_times),
    ):
        print(
            f"| {name} | {len(values)} | {ms(statistics.median(values))} | "
            f"{ms(percentile(values, 0.99))} | {ms(max(values))} |"
        )
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bare-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--process-before-response", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rate", type=float, default=50.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each run")
    parser.add_argument("--clients", type=int, default=16, help="client threads")
    parser.add_argument("--items", type=int, default=10_000, help="synthetic plan size")
    parser.add_argument("--queries", type=int, default=500, help="search queries to time")
    args = parser.parse_args()
    if args.bare_server:
        bare_server(args.bare_server, process_before_response=args.process_before_response)
        return
    if not 0 < args.rate * args.seconds <= 100_000:
        parser.error("--rate × --seconds must be between 1 and 100000 requests")
    bench_http(args.rate, args.seconds, args.clients)
    bench_search(args.items, args.queries)


if __name__ == "__main__":
    main()
