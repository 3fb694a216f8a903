"""Delivery through Slack: the Bolt app, services, HTTP server, local console, listeners."""
