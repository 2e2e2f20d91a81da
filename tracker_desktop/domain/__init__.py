"""Pure domain: events, heartbeats and the rules over them. Standard library only."""
