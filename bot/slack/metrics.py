"""``GET /metrics``: what the server does, in Prometheus's text format (prometheus-client).

The counters and histograms live in one registry for the process (the Web API
client, the scheduler and the HTTP edge all feed it); the outbox counts are read
from the database at scrape time, so every replica reports the same truth.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.registry import Collector
from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from bot.posting.inbox import backlog
from bot.store.db import Database
from bot.store.models import OutboxPost

log = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")
"""Always reported (0 when none), so alerts need no ``absent()``."""

PROCESS = CollectorRegistry()

HTTP_REQUESTS = Counter(
    "tsagbot_http_requests",
    "HTTP requests answered, by route and status.",
    ["route", "status"],
    registry=PROCESS,
)
HTTP_LATENCY = Histogram(
    "tsagbot_http_request_duration_seconds",
    "Time to answer an HTTP request, by route.",
    ["route"],
    registry=PROCESS,
)
SIGNATURE_FAILURES = Counter(
    "tsagbot_slack_signature_failures",
    "Requests to Slack's endpoint refused for a missing, wrong or expired signature.",
    registry=PROCESS,
)
EVENTS_RECEIVED = Counter(
    "tsagbot_slack_events_received",
    "Signed Slack requests received, by type (event type, slash_command, block_actions...).",
    ["type"],
    registry=PROCESS,
)
SLACK_RETRIES = Counter(
    "tsagbot_slack_retries_received",
    "Signed Slack requests that were Slack's retries (X-Slack-Retry-Num).",
    registry=PROCESS,
)
API_LATENCY = Histogram(
    "tsagbot_slack_api_duration_seconds",
    "Time of Slack Web API calls, by method (retries included).",
    ["method"],
    registry=PROCESS,
)
API_ERRORS = Counter(
    "tsagbot_slack_api_errors",
    "Slack Web API calls that failed, by method and error.",
    ["method", "error"],
    registry=PROCESS,
)
INBOX_STORED = Counter(
    "tsagbot_inbox_events_stored",
    "Events stored in the inbox before Slack was answered.",
    registry=PROCESS,
)
INBOX_DUPLICATES = Counter(
    "tsagbot_inbox_duplicates",
    "Events Slack delivered again that the inbox already held (retries, other replicas).",
    registry=PROCESS,
)
INBOX_HANDLED = Counter(
    "tsagbot_inbox_events_handled",
    "Inbox events this process handled.",
    registry=PROCESS,
)
INBOX_FAILED = Counter(
    "tsagbot_inbox_events_failed",
    "Inbox events whose listeners failed (tried again later).",
    registry=PROCESS,
)
UPDATES_RECORDED = Counter(
    "tsagbot_updates_recorded",
    "Status updates recorded from channel messages (one per item a message changed).",
    registry=PROCESS,
)
SCHEDULER_LEADER = Gauge(
    "tsagbot_scheduler_leader",
    "1 while this process holds the scheduler lock and schedules reminders and the digest.",
    registry=PROCESS,
)


def scheduler_leading(leading: bool) -> None:
    """The callback :class:`bot.posting.scheduler.SchedulerRunner` calls on a change."""
    SCHEDULER_LEADER.set(1 if leading else 0)


class InstrumentedWebClient(WebClient):
    """A Web API client that times every call and counts its errors, by method."""

    def api_call(self, api_method: str, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            API_ERRORS.labels(method=api_method, error=_error_code(error)).inc()
            raise
        except Exception as error:
            API_ERRORS.labels(method=api_method, error=type(error).__name__).inc()
            raise
        finally:
            API_LATENCY.labels(method=api_method).observe(time.perf_counter() - start)


def _error_code(error: SlackApiError) -> str:
    response = getattr(error, "response", None)
    code = response.get("error") if response is not None else None
    return str(code) if isinstance(code, str) and len(code) <= 64 else "unknown"


def instrument_context_client(context: BoltContext, next: Any) -> None:
    """A Bolt middleware: the listeners' per-request client is timed and counted too.

    Bolt builds a plain ``WebClient`` for every request from ``app.client``'s
    settings; this swaps it for the same client, instrumented, before any listener
    (or ``say``/``respond``, built lazily) uses it.
    """
    client = context.client
    if client is not None and not isinstance(client, InstrumentedWebClient):
        context["client"] = InstrumentedWebClient(
            token=client.token,
            base_url=client.base_url,
            timeout=client.timeout,
            ssl=client.ssl,
            proxy=client.proxy,
            headers=client.headers,
            team_id=client.default_params.get("team_id"),
            logger=client.logger,
            retry_handlers=client.retry_handlers,
        )
    next()


class DatabaseCollector(Collector):
    """The outbox's posts by status and the inbox's backlog, read from the database when
    scraped.

    ``tsagbot_database_up`` says whether that worked; the other metrics are
    served either way.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    def collect(self) -> Iterator[Metric]:
        counts = dict.fromkeys(OUTBOX_STATUSES, 0)
        up = GaugeMetricFamily("tsagbot_database_up", "1 when the database answered this scrape.")
        try:
            with self._db.unit_of_work(write=False) as session:
                query = select(OutboxPost.status, func.count()).group_by(OutboxPost.status)
                counts.update({str(status): int(n) for status, n in session.execute(query)})
                waiting = backlog(session)
        except SQLAlchemyError:
            log.warning("metrics: the database does not answer")
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        family = GaugeMetricFamily(
            "tsagbot_outbox_posts", "Posts in the outbox, by status.", labels=["status"]
        )
        for status, count in sorted(counts.items()):
            family.add_metric([status], count)
        yield family
        yield GaugeMetricFamily(
            "tsagbot_inbox_backlog",
            "Events stored and not yet handled (all replicas).",
            value=waiting.waiting,
        )
        age = 0.0 if waiting.oldest is None else max(0.0, time.time() - waiting.oldest.timestamp())
        yield GaugeMetricFamily(
            "tsagbot_inbox_oldest_age_seconds",
            "Age of the oldest event not yet handled (0 when none).",
            value=age,
        )


class _Process(Collector):
    def collect(self) -> Iterator[Metric]:
        yield from PROCESS.collect()


def exposition(db: Database) -> bytes:
    """The text a Prometheus scrape gets: this process's metrics, the outbox's and inbox's."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Process())
    registry.register(DatabaseCollector(db))
    return bytes(generate_latest(registry))
