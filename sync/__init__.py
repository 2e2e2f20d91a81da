"""Opt-in sync of daily aggregates (client) and the leaderboard server."""
