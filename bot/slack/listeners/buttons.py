"""Answering a button with the view its value names, as ``/action`` and ``/meetings`` do."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Respond

from bot.render import Reply

EXPIRED = "That button no longer works; run the command again."


def respond_with_view(respond: Respond, render: Callable[[], Reply], *, in_channel: bool) -> None:
    """Show the view in place of the message, or post it for everyone in the channel.

    ``render`` raises ValueError when the button's value no longer names a view (an
    old button, an item gone); the person who clicked is told so, privately.
    """
    try:
        reply = render()
    except ValueError:
        respond(response_type="ephemeral", replace_original=False, text=EXPIRED)
        return
    if in_channel:
        respond(
            response_type="in_channel",
            replace_original=False,
            blocks=reply.blocks,
            text=reply.text,
        )
    else:
        respond(replace_original=True, blocks=reply.blocks, text=reply.text)
