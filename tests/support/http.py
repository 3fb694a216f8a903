"""Helpers for tests that run the real ``tsagbot serve`` over HTTP: a free port, waiting for it."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request

__all__ = ["free_port", "wait_for_http"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_http(url: str, timeout: float = 20.0, interval: float = 0.05) -> None:
    """Poll ``url`` with GET until it answers 200; AssertionError with the last failure."""
    deadline = time.monotonic() + timeout
    last: str = "no attempt"
    while True:
        try:
            with urllib.request.urlopen(url, timeout=min(2.0, max(timeout, 0.1))) as response:
                if response.status == 200:
                    return
                last = f"HTTP {response.status}"
        except urllib.error.HTTPError as error:
            error.close()
            last = f"HTTP {error.code}"
        except (OSError, ValueError) as error:
            last = repr(error)
        if time.monotonic() >= deadline:
            raise AssertionError(f"{url} did not answer 200 within {timeout}s (last: {last})")
        time.sleep(interval)
