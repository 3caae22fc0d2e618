"""How the watched day ends: over, with the results run after it, or unable to finish, said calmly.

`Ending` is the part of `RunScene` that ends the day. When the day is over (`_end_of_day`) the results
run is made on the day as played: `engine.sim.run(scenario, round.pmap, round.start_rules,
script=round.played)` on the evaluation days
(`engine.scoring.evaluation_days(scenario, round.seed)`, which nothing overrides), in a background job (a forked child process with a
deadline of `TALLY_DEADLINE`, game.core.jobs), or in this thread with `background=False` (tests); once it
is tallied and the end card has shown for `hold` seconds, `on_done()` is called. Every one of those days
plays the watched day's script (the levers pulled and the decisions taken, at their moments): a lever
pulled late in the day counts from that moment on, as it did in the day watched, which is day 1 of them.

A day that cannot finish (`_give_up`, with the words of game.scenes.run.stuck) ends calmly: the end card
says why with a way back to the map (`on_map`) and on to the results, which then show that there is no
result (`round.day_unfinished`); the timeline and KPIs of what did run are kept. No results run is made:
it would be the same endless day.

Either way the round gets the watched day's read-outs (`round.timeline`, `round.watched_kpis`,
`round.rule_changes`); leaving the screen (`leave`, `stop_work`) stops the scout and the results run, and
a result still coming never writes into the round.
"""
from __future__ import annotations

from engine.sim import run as run_days

from game.core.jobs import Job, describe
from game.scenes.run.scout import RUNAWAY

HOLD_SECONDS = 2.5  # the end-of-day card shows at least this long before the results
TALLY_DEADLINE = 300.0  # wall seconds for the results run


class Ending:
    """The run scene's end of the day and its results run (see the module docstring)."""

    def _init_ending(self, hold: float) -> None:
        self.hold = hold
        self.ended_at: float | None = None  # wall time the day ended
        self.stuck: str | None = None  # why the day cannot finish, once it is known
        self.result = None
        self.error: str | None = None
        self.progress = (0, 0)
        self._tally_job: Job | None = None
        self._done_called = False
        self.cancelled = False

    def _give_up(self, words: str) -> None:
        """The day cannot finish: end it here, keep what ran, say so; no results run (the same day again)."""
        if self.ended_at is not None:
            return
        self.stuck = self.error = words
        self._feed = None
        self.skipping = False
        if self.scout is not None:
            self.scout.cancel()
            self.scout = None
        rnd = self.round
        rnd.run_error = words
        rnd.day_unfinished = True
        rnd.result = None
        self.ended_at = self.wall
        self.levers_open = False
        self.dialog = None
        self.banners.clear()
        self.live = self._kpis()
        end = max(1e-9, min(self.day.now, self.horizon * RUNAWAY))
        try:
            rnd.timeline = self.timeline.as_dict(end)
        except Exception:
            rnd.timeline = None
        rnd.watched_kpis = dict(self.live)
        rnd.rule_changes = list(self.changes)
        self._keep_script()

    def _fix(self) -> None:
        if self.on_map is not None:
            self.stop_work()
            self.on_map()

    def _end_of_day(self) -> None:
        if self.ended_at is not None:
            return
        self.ended_at = self.wall
        self.skipping = False
        self.levers_open = False
        self.dialog = None
        self.banners.clear()
        if self.scout is not None:  # the watched day itself got there
            self.scout.cancel()
            self.scout = None
        day = self.day
        end = day.end_time if day.end_time else day.now
        self.live = self._kpis()
        rnd = self.round
        rnd.timeline = self.timeline.as_dict(max(end, 1e-9))
        rnd.watched_kpis = dict(self.live)
        rnd.rule_changes = list(self.changes)
        self._keep_script()
        if self.background:
            seed, reps = self.evaluation_days
            self._tally_job = Job(run_days, self.scenario, self.pmap, rnd.measured_rules, script=rnd.script,
                                  replications=reps, seed=seed, name="results-run",
                                  process=True, with_progress=True, deadline=TALLY_DEADLINE)
        else:
            self._tally()

    def _tally(self) -> None:
        """The results run, in this thread: the evaluation days on the same map and rules."""
        seed, reps = self.evaluation_days
        try:
            rnd = self.round
            self.result = run_days(self.scenario, self.pmap, rnd.measured_rules, replications=reps, seed=seed,
                                   progress=self._progress, script=rnd.script)
        except Exception as exc:  # the results screen says so rather than the game stopping
            self.error = describe(exc)
        self._keep_tally()

    def _keep_tally(self) -> None:
        if self.cancelled:
            return
        self.round.result = self.result
        if self.error:
            self.round.run_error = self.error

    def _watch_tally(self) -> None:
        job = self._tally_job
        if job is None:
            return
        self.progress = job.progress
        if job.done:
            self._tally_job = None
            if job.error is None:
                self.result = job.result
            elif job.timed_out:
                self.error = "The results took far too long to tally, so we stopped."
            else:
                self.error = job.error
            self._keep_tally()

    def _progress(self, done: int, total: int) -> None:
        self.progress = (done, total)

    @property
    def evaluation_days(self) -> tuple[int, int]:
        """(seed, days) the results measure on; the watched day is day 1 of them (replication 0)."""
        from engine.scoring import evaluation_days

        return evaluation_days(self.scenario, self.round.seed)

    @property
    def tallied(self) -> bool:
        if self.ended_at is None:
            return False
        self._watch_tally()
        return self._tally_job is None and (self.result is not None or self.error is not None)

    def _call_done(self) -> None:
        if not self.tallied or self._done_called:
            return
        self._done_called = True
        self.on_done()

    def leave(self) -> None:
        """Off the stack (not merely covered): the day's background work stops with it. A day already
        known not to finish (the round timer ended it early) tells the results so: nothing to tally."""
        if self in self.app.stack:
            return
        self._watch_scout()
        if self.doomed is not None and self.ended_at is None:
            self.round.run_error = self.doomed[1]
            self.round.day_unfinished = True
        self.stop_work()

    def stop_work(self) -> None:
        """Stop the scout and the results run; a result still coming must not write into the round."""
        self.cancelled = True
        for job in (self.scout, self._tally_job):
            if job is not None:
                job.cancel()
        self.outlooks.cancel()
        self.scout = self._tally_job = None
