"""Progress updates people post in Slack: understanding a message's text (``parse``)."""
