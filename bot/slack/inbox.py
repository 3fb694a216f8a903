"""Events are stored before Slack hears they were received, then handled by a worker.

:func:`store_events` is a Bolt middleware: an Events API request (``event_callback``)
is written to the inbox (:mod:`bot.posting.inbox`) and answered ``200`` only once the
row is committed, together with the events of the other requests waiting at that moment
(:mod:`bot.posting.inbox_writer`); if the database cannot take it, Slack gets ``503``
and delivers it again. No listener runs on the request itself.

:class:`InboxWorker` claims stored events and runs them through a Bolt app built with
``process_before_response=True`` (so it knows when the listeners are done and whether
they failed), marked as coming from the inbox so that this middleware lets them through
to the same listeners. Then it delivers what they queued in the outbox. Slash
commands and button presses are answered directly, as Slack expects within three
seconds.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from sqlalchemy.exc import SQLAlchemyError

from bot.posting import inbox
from bot.posting.inbox_writer import NotStored
from bot.posting.outbox import PostFunction, deliver
from bot.slack import metrics
from bot.slack.services import Services
from bot.store.changes import forget_old_changes
from bot.store.vocabulary import InboxStatus

log = logging.getLogger(__name__)

FROM_INBOX = "inbox_key"
"""The context key that marks a request as an event from the inbox, holding its key."""
TIDY_EVERY = timedelta(hours=1)
POLL_SECONDS = 2.0
"""How often a worker looks for events stored by other replicas or left by a stopped one."""


def event_key(body: dict[str, Any]) -> str:
    """Slack's event id, the same on every delivery and retry of one event."""
    event_id = body.get("event_id")
    if isinstance(event_id, str) and event_id:
        return f"{body.get('team_id') or ''}:{event_id}"
    canonical = json.dumps(body.get("event"), sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def store_events(req: BoltRequest, body: dict[str, Any], context: BoltContext, next: Any) -> Any:
    """Bolt middleware: an event is committed to the inbox before Slack gets its 200."""
    if body.get("type") != "event_callback" or context.get(FROM_INBOX):
        return next()
    services: Services = context["services"]
    kind = str((body.get("event") or {}).get("type") or "other")[:64]
    raw = req.raw_body or json.dumps(body)
    try:
        new = services.inbox_writer.admit(event_key(body), kind, raw, services.clock())
    except NotStored as error:
        log.error("could not store a %s event, Slack will deliver it again: %s", kind, error)
        return BoltResponse(status=503, body="")
    (metrics.INBOX_STORED if new else metrics.INBOX_DUPLICATES).inc()
    services.inbox_arrived.set()
    return BoltResponse(status=200, body="")


class InboxWorker:
    """Handles the inbox's events, in a thread of its own or when asked (:meth:`drain`).

    ``app`` must be built with ``process_before_response=True``; ``post`` makes the
    outbox's posts once the events that queued them are handled.
    """

    def __init__(
        self, app: App, services: Services, post: PostFunction, *, poll: float = POLL_SECONDS
    ) -> None:
        self.app = app
        self.services = services
        self.post = post
        self.poll = poll
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._busy = 0
        self._changed = threading.Condition()
        self._tidied_at: datetime | None = None

    def run_once(self) -> int:
        """Handle the events that are due, then deliver the outbox; how many events were
        handled and posts went out (0: nothing is left to do now)."""
        with self._changed:
            self._busy += 1
        try:
            return self._run_once()
        finally:
            with self._changed:
                self._busy -= 1
                self._changed.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Until no call of :meth:`run_once` is under way; False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: self._busy == 0, timeout)

    def _run_once(self) -> int:
        if self._stopping.is_set():
            return 0  # claimed now, the events would only be handed back
        services = self.services
        settings = services.settings
        claimed = inbox.claim_due(services.db, services.clock(), lease=settings.inbox_lease)
        handled = 0
        for event in claimed:
            if self._stopping.is_set():
                break
            self._handle(event)
            handled += 1
        # stopping: the events claimed and not begun go back at once, for any replica
        inbox.release(services.db, [event.id for event in claimed[handled:]], services.clock())
        delivered = 0
        if not self._stopping.is_set():  # stopping: posts wait for the next process
            delivery = deliver(
                services.db, self.post, services.clock(), lease=settings.outbox_lease
            )
            # a batch at a time: more may wait, so the caller comes back without pausing
            delivered = len(delivery.sent) + len(delivery.expired)
        self._tidy(services.clock())
        return handled + delivered

    def _tidy(self, now: datetime) -> None:
        """Once an hour, forget the events handled long ago and the plan's old revisions."""
        if self._tidied_at is not None and now - self._tidied_at < TIDY_EVERY:
            return
        self._tidied_at = now
        with self.services.db.unit_of_work() as session:
            inbox.forget_done(session, now)
            session.commit()
        forgotten = 1
        while forgotten and not self._stopping.is_set():  # a few thousand rows at a time
            with self.services.db.unit_of_work() as session:
                forgotten = forget_old_changes(session)
                session.commit()

    def _handle(self, event: inbox.Claimed) -> None:
        """Run the event's listeners; mark it done when they succeeded, else leave it to
        be tried again. Done at once, not with the rest of its claim: an event whose
        mark waited behind a slow one could outlive its lease and be handled again by
        another replica meanwhile, or be lost to a failure later in the claim."""
        services = self.services
        request = BoltRequest(body=event.body, mode="socket_mode", context={FROM_INBOX: event.key})
        try:
            response = self.app.dispatch(request)
            error = "" if response.status < 500 else f"listener answered {response.status}"
        except Exception as failure:  # whatever broke, the event must stay to be tried again
            log.exception("handling inbox event %s failed", event.key)
            error = f"{type(failure).__name__}: {failure}"
        if not error:
            inbox.finish(services.db, event.id, services.clock())
            metrics.INBOX_HANDLED.inc()
            return
        status = inbox.failed(services.db, event, services.clock(), error)
        metrics.INBOX_FAILED.inc()
        if status == InboxStatus.ABANDONED:
            log.error("gave up on inbox event %s after %d attempts", event.key, event.attempts)

    def drain(self) -> None:
        """Handle every event that is due now, and deliver what they queued."""
        while self.run_once():
            pass

    def start(self) -> InboxWorker:
        self._thread = threading.Thread(target=self._loop, name="inbox", daemon=True)
        self._thread.start()
        return self

    def _loop(self) -> None:
        arrived = self.services.inbox_arrived
        while not self._stopping.is_set():
            try:
                done = self.run_once()
            except SQLAlchemyError as error:
                log.warning("the inbox worker cannot reach the database: %s", error)
                done = 0
            if not done:
                arrived.wait(self.poll)
                arrived.clear()

    def stop(self, timeout: float = 10.0) -> bool:
        """Finish the event in hand, hand the others back; True when it stopped in time."""
        self._stopping.set()
        self.services.inbox_arrived.set()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()
