"""10,000 random and malformed frames at the real host: it answers every one, never crashes, and
stores exactly the valid heartbeats mixed in between."""

from __future__ import annotations

import json
import random
import threading
from datetime import datetime, timedelta, timezone

from .hostproc import HostEnv

FRAMES = 10_000


def _malformed(rng: random.Random, valid: dict[str, object]) -> bytes:
    kind = rng.randrange(8)
    if kind == 0:  # random bytes
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
    if kind == 1:  # a valid message cut short
        raw = json.dumps(valid).encode()
        return raw[:rng.randrange(1, len(raw))]
    if kind == 2:  # JSON of the wrong shape
        return json.dumps(rng.choice([[], 1, "x", None, True, {"type": None}, {"type": []},
                                      {"type": "heartbeat"}, {"type": "heartbeats"},
                                      {"type": "query"}, {"type": "x" * 300}])).encode()
    if kind == 3:  # one field of a heartbeat broken
        msg = dict(valid)
        key = rng.choice(["timestamp", "duration", "pulsetime", "data", "counts", "source"])
        msg[key] = rng.choice([None, "", -1, [1], {"a": [1]}, "2026-01-01T00:00:00", 1e400,
                               "\udc00", {"k": -5}, 10**30, True])
        if key == "data" and isinstance(msg[key], dict):
            msg[key] = {"k": {"nested": True}}
        if key in ("data", "counts", "pulsetime") and msg[key] is None:
            msg[key] = "5"  # null is "the default" for these: still a valid heartbeat
        return json.dumps(msg).encode(errors="surrogatepass")
    if kind == 4:  # a byte flipped to invalid UTF-8
        raw = bytearray(json.dumps(valid).encode())
        raw[rng.randrange(len(raw))] = rng.choice([0xff, 0xc0, 0x80])
        return bytes(raw)
    if kind == 5:  # a batch of invalid items
        return json.dumps({"type": "heartbeats", "items": [1, "x", {"source": "browser"}]}).encode()
    if kind == 6:  # an unknown field
        return json.dumps({**valid, "device": "elsewhere"}).encode()
    return b""  # an empty frame


def test_the_host_survives_10000_malformed_frames(host_env: HostEnv) -> None:
    rng = random.Random(2026)
    t0 = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=5)
    host = host_env.host()
    frames: list[tuple[bytes, bool]] = []
    valid_urls: set[str] = set()
    for i in range(FRAMES):
        valid = {"type": "heartbeat", "source": "browser",
                 "timestamp": (t0 + timedelta(seconds=i)).isoformat(),
                 "data": {"url": f"http://v{i}.test/", "domain": f"v{i}.test"}}
        if i % 50 == 0:
            frames.append((json.dumps(valid).encode(), True))
            valid_urls.add(f"http://v{i}.test/")
        else:
            frames.append((_malformed(rng, valid), False))

    def feed() -> None:
        for body, _ in frames:
            host.send_raw(body)

    writer = threading.Thread(target=feed)
    writer.start()
    acks = errors = empty_batches = 0
    for body, ok in frames:
        reply = host.recv(60)
        if ok:
            assert reply["type"] == "ack", (body[:80], reply)
            acks += 1
        elif reply["type"] == "error":
            errors += 1
        else:  # a batch of nothing but invalid items: acknowledged, nothing taken
            assert body.startswith(b'{"type": "heartbeats"'), (body[:80], reply)
            assert reply["type"] == "ack" and reply["count"] == 0 and reply["rejected_count"] == 3
            empty_batches += 1
    writer.join()
    assert acks == len(valid_urls)
    assert errors + empty_batches == FRAMES - len(valid_urls) and errors > 8000
    assert host.request({"type": "hello", "id": "alive"})["id"] == "alive"
    assert host.close() == 0
    stored = host_env.events()
    assert {e["data"]["url"] for e in stored} == valid_urls
    assert len(stored) == len(valid_urls)
