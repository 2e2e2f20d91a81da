"""What a sync request can fail with, without the HTTP client: the tracker imports httpx and
tenacity (~20 MB) only once the person has opted in and something is sent."""

from __future__ import annotations


class SyncError(Exception):
    """The server refused (4xx): retrying the same request will not help."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class ServerUnavailable(Exception):
    """The server could not be reached or failed (5xx, timeouts): try again later."""
