"""Whether tsagbot can post in a channel, asked of ``conversations.info`` before a
choice is stored (the update form's "Confirm in", a channel's follow).

Slack answers ``channel_not_found`` for a private channel tsagbot is not in (it cannot
see it) and ``not_in_channel`` where it may not look; a public channel it has not
joined is fine: ``chat:write.public`` posts there.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

__all__ = ["can_post"]

log = logging.getLogger(__name__)

NOT_THERE = frozenset({"channel_not_found", "not_in_channel"})


QUICK = 1.5
"""Seconds to wait for Slack's answer: a form must be answered within Slack's 3."""


def can_post(client: WebClient, channel: str, *, timeout: float = QUICK) -> bool:
    """Whether tsagbot can post in ``channel`` (when Slack cannot say, or not in
    ``timeout`` seconds: yes, and the outbox reports a failure)."""
    quick = WebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=timeout,  # type: ignore[arg-type]  # urllib takes a float
        headers=client.headers,
        retry_handlers=[],  # no time for a second try
    )
    try:
        found = quick.conversations_info(channel=channel).get("channel") or {}
    except SlackApiError as error:
        if error.response.get("error") in NOT_THERE:
            return False
        log.warning("could not ask whether tsagbot is in %s: %s", channel, error)
        return True
    except OSError as error:  # a timeout, a connection refused
        log.warning("could not ask whether tsagbot is in %s: %s", channel, error)
        return True
    return bool(found.get("is_member", True)) or not found.get("is_private", False)
