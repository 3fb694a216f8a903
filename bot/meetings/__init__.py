"""The meeting schedule: what a meeting is, how it is read in, and what the bot says about it."""
