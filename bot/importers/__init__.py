"""Readers that turn the secretariat's documents into records."""
