"""Answer Slack as soon as a listener acknowledges, without Bolt's 10 ms poll.

In Bolt's default mode a listener runs in a thread while the request thread checks
every 10 ms whether it has called ``ack``; with ``process_before_response=True`` the
request waits for the whole listener, Web API calls after ``ack`` included.
:class:`EarlyApp` is an app in the second mode whose slash commands, shortcuts, block
actions, view submissions and options run in ``listener_executor`` while the request
thread waits on an event set by ``ack`` (or by the listener's end): the answer leaves
the moment it is known, and the work after it goes on in the pool.  Events are not
wrapped: they are stored in the inbox and acknowledged by :mod:`bot.slack.inbox`.
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from slack_bolt import App
from slack_bolt.kwargs_injection import Args

log = logging.getLogger(__name__)

ACK_WITHIN = 3.0
"""Seconds Slack waits for an answer: a listener not acknowledged by then is too late."""

Listener = Callable[..., Any]


class EarlyApp(App):
    """A Bolt app (``process_before_response=True``) that answers on ``ack``."""

    def __init__(self, *, listener_executor: Executor, **kwargs: Any) -> None:
        super().__init__(
            process_before_response=True, listener_executor=listener_executor, **kwargs
        )
        self._early_executor = listener_executor

    def _early(self, register: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*functions: Listener, **named: Any) -> Any:
            return register(*(answer_early(f, self._early_executor) for f in functions), **named)

        return wrapped

    def command(self, *args: Any, **kwargs: Any) -> Callable[..., Any]:
        return self._early(super().command(*args, **kwargs))

    def shortcut(self, *args: Any, **kwargs: Any) -> Callable[..., Any]:
        return self._early(super().shortcut(*args, **kwargs))

    def action(self, *args: Any, **kwargs: Any) -> Callable[..., Any]:
        return self._early(super().action(*args, **kwargs))

    def view(self, *args: Any, **kwargs: Any) -> Callable[..., Any]:
        return self._early(super().view(*args, **kwargs))

    def options(self, *args: Any, **kwargs: Any) -> Callable[..., Any]:
        return self._early(super().options(*args, **kwargs))


def answer_early(listener: Listener, executor: Executor) -> Callable[[Args], None]:
    """``listener`` run in ``executor``; the request thread returns once it acknowledged.

    A failure before the acknowledgement is raised in the request thread (Bolt's error
    handler then answers); one after it, or after the request stopped waiting for the
    acknowledgement, is logged, as Bolt logs a listener's failure.
    """
    wanted = list(inspect.signature(listener).parameters)

    def early(args: Args) -> None:
        answered = threading.Event()
        failed: list[BaseException] = []
        handing_over = threading.Lock()
        gave_up = threading.Event()  # the request thread no longer takes a failure

        def ack(*ack_args: Any, **ack_kwargs: Any) -> Any:
            try:
                return args.ack(*ack_args, **ack_kwargs)
            finally:
                answered.set()

        def run() -> None:
            kwargs = {name: ack if name == "ack" else getattr(args, name) for name in wanted}
            try:
                listener(**kwargs)
            except Exception as error:
                with handing_over:
                    handed = not gave_up.is_set() and not answered.is_set()
                    if handed:
                        failed.append(error)
                if not handed:  # acknowledged already, or too late for the request: logged
                    log.exception("listener failed: %s", error)
            finally:
                answered.set()

        executor.submit(run)
        answered.wait(ACK_WITHIN)
        with handing_over:
            gave_up.set()
            if failed:
                raise failed[0]

    early.__name__ = early.__qualname__ = getattr(listener, "__name__", "listener")
    return early
