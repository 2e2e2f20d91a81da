"""Per-day rollups, kept current incrementally and recomputable.

How a day stays right:
1. Every change to `events` (INSERT, UPDATE, DELETE, by any program) records the span of UTC
   hours it touched, in the same transaction: triggers do it (migration 0003), so no writer can
   forget. The memory backend marks the same way.
2. `refresh()` turns pending spans into local days (with the current time zone and day start),
   invalidates those days (their rows stop being returned, their gen moves on) and drops the marks
   it consumed. With nothing pending it only reads: `report` and `status` never wait for the
   write lock then.
3. `summaries(first, last)` returns stored days and computes the missing ones from raw events,
   storing each only if nothing changed that day meanwhile (its gen and pending marks are checked
   in the write transaction), so a result that raced a change is used once and never kept.
A row computed with other settings (rules, levels, zone...) has another fingerprint and counts
as missing, so changing the settings recomputes lazily, day by day, as reports need them.
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence

from storage.codec import from_us, to_us
from storage.rollup_rows import HOUR_US, MANY_HOURS, DirtySpan, StoredDay, hours_of
from tracker_desktop.domain.analysis import analyze_day
from tracker_desktop.domain.clock import Clock, SystemClock
from tracker_desktop.domain.days import EARLIEST, LATEST, day_bounds, day_of, days
from tracker_desktop.domain.events import AFK, BROWSER, EDITOR, INPUT, MANUAL, WINDOW, Event
from tracker_desktop.domain.summary import BlockSummary, DaySummary

from .analysis_setup import AnalysisSetup, build_setup

if TYPE_CHECKING:  # SQLAlchemy stays unimported on the read path (start-up time)
    from storage.uow import UnitOfWorkFactory

logger = logging.getLogger(__name__)

SOURCES = (WINDOW, AFK, BROWSER, EDITOR, MANUAL, INPUT)
# Time outside the calendar reports cover (a clock set to 1601 or 9999) is left out of the span
# and of invalidation: its local day would overflow, and rebuild would walk thousands of years.
EARLIEST_US, LATEST_US = to_us(EARLIEST), to_us(LATEST)
# The hours h with EARLIEST_US <= h * HOUR_US < LATEST_US: those a report can show.
FIRST_HOUR, LAST_HOUR = -(-EARLIEST_US // HOUR_US), -(-LATEST_US // HOUR_US) - 1
CHUNK_DAYS = 7
# A read-mostly service (status, report) stores the days it computes only past this many at once.
SMALL_COMPUTE = 2
Progress = Callable[[int], None]  # called with the number of days just finished


@dataclass(frozen=True, slots=True)
class DayRollup:
    summary: DaySummary  # without blocks when read from storage: see `blocks`
    blocks: list[dict[str, Any]]  # the day's blocks as reports print them (local ISO times)


def block_json(b: BlockSummary, tz: tzinfo) -> dict[str, Any]:
    """A block in the report's JSON form; rollups store blocks like this, so a year report only
    concatenates lists instead of parsing and re-formatting thousands of timestamps."""
    score = b.score
    return {"kind": b.kind, "start": b.start.astimezone(tz).isoformat(),
            "end": b.end.astimezone(tz).isoformat(), "seconds": round(b.seconds, 3),
            "active_seconds": round(b.active, 3),  # the span may include short gaps
            "score": None if score is None else round(score, 1), "category": b.category}


@dataclass(frozen=True, slots=True)
class RebuildResult:
    days: int
    stored: int
    first: date | None
    last: date | None
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {"days": self.days, "stored": self.stored,
                "first": self.first.isoformat() if self.first else None,
                "last": self.last.isoformat() if self.last else None,
                "seconds": round(self.seconds, 3)}


def _runs(ds: Sequence[date], size: int) -> list[list[date]]:
    """Consecutive days grouped, each group at most `size` long."""
    out: list[list[date]] = []
    for d in sorted(ds):
        if out and (d - out[-1][-1]).days == 1 and len(out[-1]) < size:
            out[-1].append(d)
        else:
            out.append([d])
    return out


def _supported(hours: Iterable[int]) -> list[int]:
    return [h for h in hours if EARLIEST_US <= h * HOUR_US < LATEST_US]


def _span(r: Any) -> list[int]:
    """[first, last] instant (UTC microseconds) of the recorded time reports can cover."""
    full = r.event_span_us(EARLIEST_US, LATEST_US)
    return [max(full[0], EARLIEST_US), min(full[1], LATEST_US)] if full else []


def _near(events: list[Event], starts: list[datetime], longest: timedelta, lo: datetime,
          hi: datetime) -> list[Event]:
    i = bisect_left(starts, lo - longest)
    j = bisect_left(starts, hi)
    return [e for e in events[i:j] if e.end > lo or (e.start >= lo and not e.duration)]


class RollupService:
    def __init__(self, uow_factory: UnitOfWorkFactory, setup: AnalysisSetup | None = None,
                 clock: Clock | None = None, *, read_mostly: bool = False) -> None:
        self._uow = uow_factory
        # A verb that only shows figures (status, report) leaves pending marks to the tracker
        # and computes the few days they touch without storing them: no write lock, no
        # SQLAlchemy import (start-up time). It still stores what is worth keeping: more than
        # SMALL_COMPUTE days computed at once (a range never rolled up).
        self._read_mostly = read_mostly
        self._unsaved: set[date] = set()  # days pending marks make stale, not invalidated yet
        self._unsaved_span: list[int] | None = None
        self.setup = setup or build_setup()
        self._clock = clock or SystemClock()
        self._margin = timedelta(seconds=self.setup.config.activity.flood_seconds + 1)
        # Narrowed to one device (report --device): every day from raw events, nothing stored or
        # read from rollup_days, which hold the all-devices view.
        self._device_only = self.setup.config.activity.device is not None
        self.computed_days = 0  # days computed from raw events by this service (tests, logs)
        self.stored_days = 0

    # -- the calendar ----------------------------------------------------------------------
    def bounds(self, day: date) -> tuple[datetime, datetime]:
        return day_bounds(day, self.setup.tz, self.setup.day_start_hour)

    def day_of(self, when: datetime) -> date:
        return day_of(when, self.setup.tz, self.setup.day_start_hour)

    def today(self) -> date:
        return self.day_of(self._clock.now())

    def _day_range(self, first_hour: int, last_hour: int) -> tuple[date, date]:
        """First and last local day the hours [first_hour, last_hour] can change. Gap filling
        reaches `margin` across a day boundary: a change in the last seconds of one day can
        change the next day's figures, and vice versa."""
        return (self.day_of(from_us(first_hour * HOUR_US) - self._margin),
                self.day_of(from_us((last_hour + 1) * HOUR_US - 1) + self._margin))

    def _days_of_span(self, first_hour: int, last_hour: int) -> list[date]:
        return list(days(*self._day_range(first_hour, last_hour)))

    def _days_of_hours(self, hours: Iterable[int]) -> set[date]:
        out: set[date] = set()
        for h in _supported(hours):
            out.update(self._days_of_span(h, h))
        return out

    def _stale_days(self, r: Any, pending: Sequence[DirtySpan]) -> tuple[set[date], list[int]]:
        """The days pending spans invalidate, and the [first, last] hour with events among them
        (to widen the recorded span), ignoring time no report can show."""
        stale: set[date] = set()
        ends: list[int] = []
        for first, last, _ in pending:
            lo, hi = max(first, FIRST_HOUR), min(last, LAST_HOUR)
            if hi < lo:
                continue
            if hi - lo < MANY_HOURS:
                stale.update(self._days_of_span(lo, hi))
                ends += (lo, hi)
                continue
            # A span of years (an event that long, or a hand-made mark from a stray far
            # timestamp): only hours some event touches, and days already stored, can be wrong.
            hours = r.hours_with_events(lo, hi)
            stale |= self._days_of_hours(hours)
            stale.update(r.stored_days(*self._day_range(lo, hi)))
            if hours:
                ends += (min(hours), max(hours))
        return stale, ([min(ends), max(ends)] if ends else [])

    def data_days(self) -> tuple[date, date] | None:
        """First and last local day with recorded events (as far as the rollups know)."""
        with self._uow() as uow:
            if self._device_only:  # never refreshes: reads the events' span itself
                span = _span(uow.rollups)
            else:
                span = self._unsaved_span or uow.rollups.get_meta("span")
        if span is None:
            self.refresh()
            with self._uow() as uow:
                span = uow.rollups.get_meta("span")
        if not span:
            return None
        return self._day_at(span[0]), self._day_at(max(span[0], span[1] - 1))

    def _day_at(self, us: int) -> date:
        """The local day of an instant of the span (clamped: a span stored before time outside
        the calendar was left out may still reach it)."""
        return self.day_of(from_us(min(max(us, EARLIEST_US), LATEST_US)))

    # -- invalidation ----------------------------------------------------------------------
    def refresh(self, *, consume: bool = False) -> int:
        """Consume change marks: invalidate the days they touch. Returns the number of days.

        A read-mostly service only notes the days the marks make stale (see __init__), unless
        `consume`: it does so before keeping sizeable work, which could not be kept under marks.
        """
        with self._uow() as uow:  # read first: usually nothing is pending, and no lock is needed
            pending = uow.rollups.dirty()
            span = uow.rollups.get_meta("span")
            if self._read_mostly and pending and not consume:
                # Note what the marks make stale, and leave them for a writer to consume.
                self._unsaved, hours = self._stale_days(uow.rollups, pending)
                span = span if span is not None else _span(uow.rollups)
                if hours:
                    lo, hi = hours[0] * HOUR_US, (hours[1] + 1) * HOUR_US
                    span = [min(span[0], lo), max(span[1], hi)] if span else [lo, hi]
                self._unsaved_span = span
                return len(self._unsaved)
        self._unsaved, self._unsaved_span = set(), None
        if not pending and span is not None:
            return 0
        with self._uow(write=True) as uow:
            r = uow.rollups
            pending = r.dirty()
            span = r.get_meta("span")
            if span is None:
                # First run on this database: nothing stored yet can be stale, but learn the span.
                span = _span(r)
            stale, hours = self._stale_days(r, pending)
            if hours:
                lo, hi = hours[0] * HOUR_US, (hours[1] + 1) * HOUR_US
                span = [min(span[0], lo), max(span[1], hi)] if span else [lo, hi]
            r.invalidate(sorted(stale))
            r.clear_dirty(pending)
            r.set_meta("span", span)
            uow.commit()
        if stale:
            logger.debug("rollups: %d day(s) invalidated", len(stale))
        return len(stale)

    # -- reading ---------------------------------------------------------------------------
    def read(self, first: date, last: date, *, blocks: bool = True,
             progress: Progress | None = None) -> dict[date, DayRollup]:
        """Every day in [first, last]: stored rollups, the missing ones computed (and stored)."""
        if self._device_only:
            tz = self.setup.tz
            return {d: DayRollup(s, [block_json(b, tz) for b in s.blocks] if blocks else [])
                    for d, s in self._computed(first, last).items()}
        self.refresh()
        fp = self.setup.fingerprint
        with self._uow() as uow:
            stored = uow.rollups.get(first, last, fp, blocks=blocks)
            span = self._unsaved_span or uow.rollups.get_meta("span")
        for d in self._unsaved:
            stored.pop(d, None)
        out = {d: DayRollup(DaySummary.from_dict(s.summary or {}, []), s.blocks or [])
               for d, s in stored.items()}
        missing = [d for d in days(first, last) if d not in out]
        todo = self._within_span(missing, span)
        if todo:
            tz = self.setup.tz
            out.update({d: DayRollup(s, [block_json(b, tz) for b in s.blocks] if blocks else [])
                        for d, s in self._compute_and_store(todo, progress).items()})
        for d in missing:
            if d not in out:
                out[d] = DayRollup(DaySummary.empty(d, *self.bounds(d)), [])
        return out

    def summaries(self, first: date, last: date, progress: Progress | None = None
                  ) -> dict[date, DaySummary]:
        """Every day's summary in [first, last] (blocks only on days computed just now)."""
        return {d: r.summary for d, r in self.read(first, last, blocks=False, progress=progress).items()}

    def active_seconds(self, first: date, last: date) -> dict[date, float]:
        """Active seconds per day (what streaks need), computing only days not rolled up."""
        if self._device_only:
            return {d: s.active for d, s in self._computed(first, last).items()}
        with self._uow() as uow:
            values = uow.rollups.active_seconds(first, last, self.setup.fingerprint)
            span = self._unsaved_span or uow.rollups.get_meta("span")
        for d in self._unsaved:
            values.pop(d, None)
        missing = [d for d in days(first, last) if d not in values]
        todo = self._within_span(missing, span)
        if todo:
            values.update({d: s.active for d, s in self._compute_and_store(todo, None).items()})
        for d in missing:
            values.setdefault(d, 0.0)
        return values

    def _within_span(self, missing: list[date], span: list[int] | None) -> list[date]:
        if not missing or not span:
            return []
        first, last = self._day_at(span[0]), self._day_at(max(span[0], span[1] - 1))
        return [d for d in missing if first <= d <= last]

    def _computed(self, first: date, last: date) -> dict[date, DaySummary]:
        """compute(), skipping the days outside the recorded time (a streak walking back)."""
        with self._uow() as uow:
            span = _span(uow.rollups)  # not the stored one: this service never refreshes it
        todo = set(self._within_span(list(days(first, last)), span))
        out = {d: DaySummary.empty(d, *self.bounds(d)) for d in days(first, last) if d not in todo}
        for run in _runs(sorted(todo), CHUNK_DAYS):
            with self._uow() as uow:
                out.update(self._analyze(uow, run))
        return out

    # -- computing -------------------------------------------------------------------------
    def compute(self, first: date, last: date) -> dict[date, DaySummary]:
        """Days straight from raw events, nothing read from or written to rollups."""
        out: dict[date, DaySummary] = {}
        for run in _runs(list(days(first, last)), CHUNK_DAYS):
            with self._uow() as uow:
                out.update(self._analyze(uow, run))
        return out

    def _load(self, uow: Any, run: list[date]) -> dict[str, list[Event]]:
        start = self.bounds(run[0])[0] - self._margin
        end = self.bounds(run[-1])[1] + self._margin
        return {src: uow.rollups.events_near(src, start, end) for src in SOURCES}

    def _analyze(self, uow: Any, run: list[date]) -> dict[date, DaySummary]:
        loaded = self._load(uow, run)
        index = {}
        for src, evs in loaded.items():
            longest = max((e.duration for e in evs), default=timedelta(0))
            index[src] = (evs, [e.start for e in evs], longest)
        out = {}
        cfg, tz = self.setup.config, self.setup.tz
        for d in run:
            start, end = self.bounds(d)
            lo, hi = start - self._margin, end + self._margin
            near = {src: _near(evs, starts, longest, lo, hi)
                    for src, (evs, starts, longest) in index.items() if evs}
            out[d] = analyze_day(near, d, start, end, tz, cfg)
        self.computed_days += len(run)
        return out

    def _compute_and_store(self, todo: Sequence[date], progress: Progress | None
                           ) -> dict[date, DaySummary]:
        if self._read_mostly and len(todo) > SMALL_COMPUTE and self._unsaved:
            # Worth keeping (a range imported and never reported, say): consume the marks first,
            # or days under them could never be stored and every report would redo them.
            self.refresh(consume=True)
        out: dict[date, DaySummary] = {}
        stored = 0
        fp = self.setup.fingerprint
        for run in _runs(todo, CHUNK_DAYS):
            with self._uow() as uow:  # one read transaction: the gens belong to these events
                gens = uow.rollups.gens(run[0], run[-1])
                result = self._analyze(uow, run)
            out.update(result)
            if self._read_mostly and len(todo) <= SMALL_COMPUTE:
                continue  # a day or two: cheaper to recompute next time than to take the lock
            now = self._clock.now()
            tz = self.setup.tz
            # Days under marks not consumed yet could not be kept anyway (see _store).
            rows = [StoredDay(d, fp, s.active, s.idle, s.breaks, s.points,
                              s.to_dict(with_blocks=False), [block_json(b, tz) for b in s.blocks],
                              now, gens.get(d, 0)) for d, s in result.items()
                    if d not in self._unsaved]
            if not rows:
                continue
            stored += self._store(rows)
            if progress is not None:
                progress(len(run))
        logger.debug("rollups: computed %d day(s), stored %d", len(out), stored)
        self.stored_days += stored
        return out

    def _store(self, rows: list[StoredDay]) -> int:
        """Keep computed days unless something changed them since they were read: a change still
        marked is seen here; one a refresh consumed meanwhile moved the day's gen (put skips it)."""
        try:
            with self._uow(write=True) as uow:
                r = uow.rollups
                keep = []
                for row in rows:
                    s, e = self.bounds(row.day)
                    hs = hours_of(to_us(s - self._margin), to_us(e + self._margin))
                    if not r.dirty_hours_between(hs.start, hs.stop - 1):
                        keep.append(row)
                r.put(keep)
                uow.commit()
                return len(keep)
        except Exception:  # a busy database: the days were computed, only not kept
            logger.warning("could not store %d rollup day(s)", len(rows), exc_info=True)
            return 0

    # -- maintenance -----------------------------------------------------------------------
    def rebuild(self, first: date | None = None, last: date | None = None,
                progress: Progress | None = None, on_total: Callable[[int], None] | None = None
                ) -> RebuildResult:
        """Recompute every day (or those in [first, last]) from raw events and store them."""
        t0 = self._clock.monotonic()
        self.refresh()
        with self._uow(write=True) as uow:  # re-learn the span: rows may have been deleted
            uow.rollups.set_meta("span", _span(uow.rollups))
            uow.commit()
        span = self.data_days()
        if span is None:
            if on_total:
                on_total(0)
            return RebuildResult(0, 0, None, None, self._clock.monotonic() - t0)
        lo = max(first, span[0]) if first else span[0]
        hi = min(last, span[1]) if last else span[1]
        todo = list(days(lo, hi)) if lo <= hi else []
        if on_total:
            on_total(len(todo))
        stored_before = self.stored_days
        self._compute_and_store(todo, progress)
        return RebuildResult(len(todo), self.stored_days - stored_before, lo if todo else None,
                             hi if todo else None, self._clock.monotonic() - t0)

    def tick(self) -> None:
        """Background job: consume marks and keep today and yesterday rolled up."""
        self.refresh()
        today = self.today()
        self.summaries(today - timedelta(days=1), today)


__all__ = ["RollupService", "RebuildResult", "DayRollup", "block_json", "SOURCES"]
