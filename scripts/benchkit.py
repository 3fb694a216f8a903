"""What the benchmarks share: a server process on a free loopback port, waited for; a
median with its range; the README's tables between a script's markers.

Run from ``scripts/`` (each benchmark puts the repository root on ``sys.path``).
"""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def answers(url: str) -> bool:
    """True when GET ``url`` answers 200 right now."""
    try:
        with urllib.request.urlopen(url, timeout=0.25) as response:
            return bool(response.status == 200)
    except urllib.error.HTTPError as error:
        error.close()
        return False
    except (OSError, ValueError):
        return False


@dataclass
class Process:
    name: str
    process: subprocess.Popen[bytes]
    url: str
    log: Path


@contextlib.contextmanager
def running(name: str, args: list[str], env: dict[str, str], folder: Path) -> Iterator[Process]:
    """Start a server process on a free port, wait for /healthz, stop it at the end."""
    port = free_port()
    log = folder / f"{name}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, *[a.replace("{port}", str(port)) for a in args]],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{name} did not start:\n{log.read_text(errors='replace')}")
            if answers(f"http://127.0.0.1:{port}/healthz"):
                break
            time.sleep(0.05)
        yield Process(name, process, f"http://127.0.0.1:{port}/slack/events", log)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def spread(values: list[float], digits: int = 0) -> str:
    """The median of ``values``, with their min–max when the two differ as printed."""

    def fmt(value: float) -> str:
        return f"{value:.{digits}f}"

    low, high = min(values), max(values)
    middle = fmt(statistics.median(values))
    return middle if fmt(low) == fmt(high) else f"{middle} ({fmt(low)}–{fmt(high)})"


def load_average() -> float:
    """The machine's load average over the last minute."""
    return os.getloadavg()[0]


def write_readme(text: str, script: str) -> None:
    """Put ``text`` in README.md between ``<!-- script: begin -->`` and ``<!-- script: end -->``."""
    begin, end = f"<!-- {script}: begin -->", f"<!-- {script}: end -->"
    readme = README.read_text(encoding="utf-8")
    head, found, rest = readme.partition(begin)
    _, found_end, tail = rest.partition(end)
    if not (found and found_end):
        raise SystemExit(f"README.md has no {begin} ... {end} markers")
    README.write_text(f"{head}{begin}\n{text}{end}{tail}", encoding="utf-8")
