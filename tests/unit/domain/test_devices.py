"""Several machines: each device's active time from its own events, combined so that AFK on one
never hides another's activity and simultaneous time counts once (domain/devices.py)."""

from datetime import date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker_desktop.domain.activity import ActivityOptions
from tracker_desktop.domain.analysis import AnalysisConfig, analyze_day
from tracker_desktop.domain.devices import devices_active, split
from tracker_desktop.domain.events import Event, Heartbeat
from tracker_desktop.domain.heartbeat import merge, reduce
from tracker_desktop.domain.intervals import Span, total

T0 = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
M = timedelta(minutes=1)
DAY = (datetime(2026, 1, 5, tzinfo=timezone.utc), datetime(2026, 1, 6, tzinfo=timezone.utc))


def e(device, source, a, b, **data):
    return Event(source, T0 + a * M, (b - a) * M, data, device=device)


def by_source(*events):
    out: dict[str, list[Event]] = {}
    for ev in events:
        out.setdefault(ev.source, []).append(ev)
    return out


def day(*events, local="", device=None):
    config = AnalysisConfig(activity=ActivityOptions(local_device=local, device=device))
    return analyze_day(by_source(*events), date(2026, 1, 5), *DAY, timezone.utc, config)


def test_afk_on_one_device_never_hides_activity_on_another():
    events = [e("laptop", "window", 0, 60, app="code", title="a.py"),
              e("laptop", "afk", 0, 60, status="not-afk"),
              e("desktop", "window", 0, 60, app="firefox", title="news"),
              e("desktop", "afk", 0, 60, status="afk")]
    s = day(*events)
    assert s.active == 3600 and s.apps == {"code": 3600}
    # Today's rule on one device (one AFK record for everything) lost the hour: the desktop's AFK
    # hid the laptop's window.
    assert day(*(ev.with_(device="") for ev in events)).active == 0


def test_simultaneous_activity_counts_once_and_goes_to_the_device_turned_to_last():
    s = day(e("laptop", "window", 0, 60, app="code", title="a.py"),
            e("laptop", "afk", 0, 60, status="not-afk"),
            e("desktop", "window", 30, 90, app="slack", title="general"),
            e("desktop", "afk", 30, 90, status="not-afk"))
    assert s.active == 90 * 60
    assert s.apps == {"code": 1800, "slack": 3600}
    assert sum(s.hourly) == s.active


def test_one_device_alone_and_the_local_device():
    events = [e("laptop", "window", 0, 60, app="code", title="a.py"),
              e("", "window", 60, 90, app="vim", title="b.py")]  # an old row: this machine's
    assert day(*events, local="desk", device="laptop").apps == {"code": 3600}
    assert day(*events, local="desk", device="desk").apps == {"vim": 1800}
    assert day(*events, local="desk", device="other").active == 0
    assert day(*events, local="desk").active == 90 * 60
    # "" and the local name are one device: its AFK covers both.
    both = [e("desk", "window", 0, 60, app="code", title="a.py"), e("", "afk", 0, 60, status="afk")]
    assert day(*both, local="desk").active == 0


def test_input_counts_add_up_over_devices():
    s = day(Event("input", T0, M, {}, {"keys": 5}, device="laptop"),
            Event("window", T0, M, {"app": "code"}, {"keys": 7}, device="desktop"))
    assert s.input == {"keys": 12}  # the laptop's minutes, the desktop's window counts


def test_split_keeps_one_device_uncopied():
    events = by_source(e("a", "window", 0, 1, app="x"), e("a", "afk", 0, 1, status="afk"))
    assert split(events, "") == [events]
    assert split(events, "", "b") == []
    assert split({}, "") == []


def test_heartbeats_of_two_devices_never_merge():
    hb = Heartbeat("window", T0, timedelta(0), {"app": "code"}, device="laptop")
    last = hb.to_event()
    assert merge(last, Heartbeat("window", T0 + M / 60, timedelta(0), {"app": "code"},
                                 device="desktop"), timedelta(seconds=2)) is None
    same = merge(last, Heartbeat("window", T0 + M / 60, timedelta(0), {"app": "code"},
                                 device="laptop"), timedelta(seconds=2))
    assert same is not None and same.device == "laptop" and same.duration == M / 60
    assert len(list(reduce([hb, Heartbeat("window", T0, timedelta(0), {"app": "code"})],
                           timedelta(seconds=2)))) == 2


spans = st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(0, 120), st.integers(1, 60),
                           st.sampled_from(["afk", "not-afk"])), max_size=12)


@settings(max_examples=150, deadline=None)
@given(spans)
def test_totals_never_exceed_wall_time_nor_the_union_of_devices(items):
    events = []
    for device, start, length, status in items:
        events.append(e(device, "window", start, start + length, app=f"app-{device}", title="t"))
        events.append(e(device, "afk", start, start + length, status=status))
    segs = devices_active(split(by_source(*events), ""), *DAY)
    for a, b in zip(segs, segs[1:]):
        assert a.end <= b.start  # non-overlapping
    active = sum(s.seconds for s in segs)
    union_of_devices = sum(
        total([Span(s.start, s.end) for s in devices_active(part, *DAY)]).total_seconds()
        for part in ([p] for p in split(by_source(*events), "")))
    assert active <= union_of_devices + 1e-6
    # Every device's own active time is covered: nothing a device did active is lost.
    covered = total([Span(s.start, s.end) for s in segs])
    for part in split(by_source(*events), ""):
        mine = total([Span(s.start, s.end) for s in devices_active([part], *DAY)])
        assert covered >= mine
