"""The desktop side of sync: opt-in pushes of per-device daily aggregates to a leaderboard server."""
