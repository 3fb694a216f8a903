"""The application factory: one Bolt app for Slack HTTP, Socket Mode and the console."""

from __future__ import annotations

import logging
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.settings import Settings
from bot.slack.early import EarlyApp
from bot.slack.inbox import store_events
from bot.slack.listeners import Registry
from bot.slack.metrics import InstrumentedWebClient, instrument_context_client
from bot.slack.services import Services

log = logging.getLogger(__name__)


def make_client(settings: Settings) -> WebClient:
    """A Web API client that retries rate limits, server errors and dropped connections.

    Its calls are timed and their errors counted in ``/metrics``.
    """
    return InstrumentedWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=3),
            ConnectionErrorRetryHandler(max_retry_count=3),
        ],
    )


class _NoTokenWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and warns, on every start, that the client given
    (which holds the same token) wins: true, and nothing to act on."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("As you gave `client` as well")


def create_app(
    settings: Settings,
    client: WebClient | None = None,
    *,
    services: Services | None = None,
    token_verification: bool = True,
    process_before_response: bool = False,
    listener_executor: Executor | None = None,
    listeners_on_demand: bool = False,
) -> App:
    """Build the Bolt app with every listener registered.

    Events are stored in the inbox and acknowledged (:mod:`bot.slack.inbox`); an
    :class:`~bot.slack.inbox.InboxWorker` runs them through an app built with
    ``process_before_response=True``. Without it, commands, shortcuts and block actions
    are answered the moment they acknowledge (:mod:`bot.slack.early`), the work after
    the acknowledgement going on in ``listener_executor`` (by default a pool of ten
    threads, as Bolt's own). ``services`` defaults to a database opened (and migrated)
    from ``settings``; ``client`` to a Web API client for ``SLACK_API_URL``.
    With ``listeners_on_demand`` (the console, which answers a request or a few and
    ends) each listener module is imported and registered when the first request it may
    answer comes (:mod:`bot.slack.listeners`), not all of them before the first.
    """
    services = services or Services.create(settings)
    bolt_log = logging.getLogger("slack_bolt.App")
    if not any(isinstance(existing, _NoTokenWarning) for existing in bolt_log.filters):
        bolt_log.addFilter(_NoTokenWarning())
    options: dict[str, Any] = {
        "client": client or make_client(settings),
        "signing_secret": settings.slack_signing_secret or "",
        "token_verification_enabled": token_verification,
        "raise_error_for_unhandled_request": False,
        "name": "tsagbot",
    }
    app: App
    if process_before_response:
        app = App(process_before_response=True, listener_executor=listener_executor, **options)
    else:
        executor = listener_executor or ThreadPoolExecutor(10, thread_name_prefix="listener")
        app = EarlyApp(listener_executor=executor, **options)

    def inject_services(context: BoltContext, next: Any) -> None:
        context["services"] = services
        next()

    app.use(instrument_context_client)
    app.use(inject_services)
    app.use(store_events)
    app.error(report_error)
    listeners = Registry(app)
    if listeners_on_demand:
        app.use(listeners.on_demand)
    else:
        listeners.register()
    return app


def report_error(error: Exception, logger: logging.Logger) -> None:
    """Log a listener's failure; the user has already been acknowledged."""
    logger.exception("listener failed: %s", error)
