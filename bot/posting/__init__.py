"""What the bot posts on its own: outbox, reminders, weekly digest, and their scheduler."""
