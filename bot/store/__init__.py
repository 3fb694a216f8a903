"""Persistence: models, the database handle and its migrations."""
