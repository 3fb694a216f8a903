"""The action plan: ids, reading and storing the plan, search, lookup, status updates."""
