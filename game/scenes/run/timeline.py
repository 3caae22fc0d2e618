"""The watched day by clock hour, tallied from its trace as it plays: what the results screen charts.

`Timeline` takes the trace records the run feeds the picture (`move`, `start`, `queue`) and keeps, per
bucket of the day's clock (an hour, or a day when the horizon is over 48 hours): the arrivals, the area
under the total queue (split exactly at bucket boundaries, so its mean over a bucket is the mean number
waiting), and of the callers who reached a desk in the bucket, how many were served within the target
wait (each caller counted once, at the first desk that took them). `as_dict(end)` gives the lists the
run leaves in `round.timeline` (game.scenes.run says their shape); buckets after the horizon (the drain)
are included.
"""
from __future__ import annotations


class Timeline:
    """The watched day by clock hour: arrivals, mean queue, service level (see the module docstring)."""

    def __init__(self, hours_per_unit: float, slw: float, service_steps: set[str], clock_minutes: float,
                 bucket_hours: float = 1.0):
        self.bucket_hours = bucket_hours
        self.hpu = hours_per_unit / bucket_hours  # buckets per sim unit
        self.slw = slw
        self.services = service_steps
        self.clock_minutes = clock_minutes
        self.arrivals: list[int] = []
        self.area: list[float] = []
        self.offered: list[int] = []
        self.ok: list[int] = []
        self.qlen: dict[str, int] = {}
        self.total_q = 0
        self.last_t = 0.0
        self.offer_time: dict[int, float] = {}

    def _hour(self, t: float) -> int:
        h = int(t * self.hpu)
        while len(self.arrivals) <= h:
            for lst in (self.arrivals, self.offered, self.ok):
                lst.append(0)
            self.area.append(0.0)
        return h

    def _advance(self, t: float) -> None:
        """Add the queue's area from the last record to `t`, split at hour boundaries."""
        t0 = self.last_t
        while t > t0:
            h = self._hour(t0)
            end = min(t, (h + 1) / self.hpu)
            self.area[h] += self.total_q * (end - t0)
            t0 = end if end > t0 else t
        self.last_t = max(self.last_t, t)

    def move(self, t: float, entity: int, src_kind: str, dst: str | None) -> None:
        if src_kind == "source":
            self.arrivals[self._hour(t)] += 1
        if dst in self.services and entity not in self.offer_time:
            self.offer_time[entity] = t
            self.offered[self._hour(t)] += 1

    def start(self, t: float, entity: int, pool) -> None:
        if pool is None:
            return
        t0 = self.offer_time.get(entity)
        if t0 is not None and t0 >= 0:
            if t - t0 <= self.slw + 1e-9:
                self.ok[self._hour(t0)] += 1
            self.offer_time[entity] = -1.0  # first service seen; later ones do not count

    def queue(self, t: float, step: str, length: int) -> None:
        self._advance(t)
        self.total_q += length - self.qlen.get(step, 0)
        self.qlen[step] = length

    def as_dict(self, end: float) -> dict:
        self._advance(end)
        self._hour(max(0.0, end - 1e-9))
        n = len(self.arrivals)
        unit_hour = 1.0 / self.hpu  # sim units in a bucket
        hours = []
        for h in range(n):
            if self.bucket_hours >= 24:
                hours.append(f"Day {h + 1}")
            else:
                m = int(self.clock_minutes + h * 60) % (24 * 60)
                hours.append(f"{m // 60:02d}:{m % 60:02d}")
        queue = []
        for h in range(n):
            span = min(unit_hour, max(1e-9, end - h * unit_hour))
            queue.append(self.area[h] / span)
        sl = [(self.ok[h] / self.offered[h]) if self.offered[h] else None for h in range(n)]
        return {"hours": hours, "bucket": "day" if self.bucket_hours >= 24 else "hour", "queue": queue,
                "service_level": sl, "arrivals": list(self.arrivals)}
