"""What ``tsagbot serve`` runs beside Slack's endpoint, and how it all stops.

Beside the HTTP server (or the Socket Mode connection), a serving process runs the
inbox worker (the events Slack delivered, then the outbox's posts) and, unless
``TSAGBOT_SCHEDULER=off``, the scheduler (reminders and the digest, on the one
process that holds the scheduler lock).

SIGTERM is taken as SIGINT: the server stops accepting connections and lets the
requests under way finish; then the worker finishes the event in hand and hands
back the ones it had claimed, and the scheduler releases its lock, all within
:data:`STOP_WITHIN` seconds, and the process exits 0. An event left half-handled
by a process that could not stop in time is claimed again when its lease ends.
"""

from __future__ import annotations

import gc
import logging
import signal
import time
from dataclasses import dataclass
from types import FrameType

from bot.posting.scheduler import SchedulerRunner
from bot.slack.app import create_app
from bot.slack.inbox import InboxWorker
from bot.slack.metrics import scheduler_leading
from bot.slack.plan_index import PlanIndex
from bot.slack.poster import posting_client, slack_poster
from bot.slack.services import Services

log = logging.getLogger(__name__)

STOP_WITHIN = 10.0
"""Seconds a stopping process gives its work to finish (systemd's and Docker's default
grace period before SIGKILL is 90 s and 10 s)."""


@dataclass
class Background:
    """The inbox worker, the scheduler and the search index's refresher of one serving
    process."""

    worker: InboxWorker
    scheduler: SchedulerRunner | None
    index: PlanIndex

    @classmethod
    def start(cls, services: Services) -> Background:
        """Warm up (:func:`warm_up`), then start the worker and the scheduler; the
        server listens after this, so ``/readyz`` never waits for the index."""
        warm_up(services)
        services.plan_index.start_refreshing()
        settings = services.settings
        post = slack_poster(posting_client(settings))
        handler = create_app(
            settings, services=services, token_verification=False, process_before_response=True
        )
        worker = InboxWorker(handler, services, post).start()
        scheduler = None
        if settings.scheduler:
            scheduler = SchedulerRunner(
                services.db,
                settings,
                post,
                clock=services.clock,
                renderer=services.renderer,
                on_leading=scheduler_leading,
            )
            scheduler.start()
        return cls(worker, scheduler, services.plan_index)

    def stop(self, started: float, within: float = STOP_WITHIN) -> None:
        """Stop both, by ``started`` (``time.monotonic()``) + ``within`` seconds at most."""
        left = max(0.5, started + within - time.monotonic())
        if not self.worker.stop(timeout=left):
            log.warning("the inbox worker did not finish in time; its event will be retried")
        if self.scheduler is not None:
            self.scheduler.stop()
        self.index.stop_refreshing()


def warm_up(services: Services) -> None:
    """Build the search index, then freeze what the process holds so far (the index,
    the templates, the imported modules): full garbage collections no longer walk
    those long-lived objects, which made the pauses that set ``/action``'s tail."""
    with services.db.unit_of_work(write=False) as session:
        services.search_index(session)
    gc.collect()
    gc.freeze()


@dataclass
class StopSignal:
    """When SIGTERM or SIGINT arrived (``time.monotonic()``), once one has."""

    at: float | None = None

    def since(self) -> float:
        return time.monotonic() if self.at is None else self.at


def stop_on_signals() -> StopSignal:
    """Make SIGTERM and SIGINT stop the process: waitress and Socket Mode both end their
    loop on ``KeyboardInterrupt`` (waitress lets the requests under way finish first)."""
    stop = StopSignal()

    def interrupt(signum: int, _frame: FrameType | None) -> None:
        if stop.at is not None:  # a second signal must not cut the stopping short
            log.info("received %s again: still stopping", signal.Signals(signum).name)
            return
        stop.at = time.monotonic()
        log.info("received %s: stopping", signal.Signals(signum).name)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    return stop
