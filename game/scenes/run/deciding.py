"""What the player changes in the day while it plays: decisions at the shocks and rules changed mid-day.

`Deciding` is the part of `RunScene` that turns the player's choices into the day's script. The watched
day is built with `ask=True`: when it reaches an event that carries a decision it stops there
(`day.asking`, the event's index) and goes no further; `_check_asking` (after each feed) freezes the clock
at that moment and opens the `DecisionDialog` (game.scenes.run.decision) over the board, and the scene's
`Outlooks` (game.play.outlook) forecasts each choice's rest of day from this moment on the evaluation days
(`engine.optimize.decision_options`). A tap on a card (or 1/2/3, or the kiosk's timer running out:
the default) is `decide(choice_id)`: the day takes it (`Day.decide`, recorded in `day.played`), the
round keeps it in `round.decisions` with every choice's forecast profit, a banner says what was chosen,
the scout starts again on the new script and the day goes on (a fast-forward still under way goes on too).

A rule change mid-day goes the same way: the lever panel's pending change is forecast against keeping
the rules ("keep" and "change", the same engine function) while the panel is open, and when it closes
with a change `change_rules(values)` hands it to the day (`Day.apply_rules`, recorded in `day.played`)
as one change: one banner, one more in `round.changes_made`, however the sliders moved.

What it leaves in the round: `round.start_rules`, `round.played` (the watched day's script, kept up to
date), `round.decisions`, `round.changes_made` and `round.rules` (the rules in force at the end).
"""
from __future__ import annotations

from engine.decisions import moment
from engine.optimize.outlook import decision_options

from game.play.outlook import Outlooks
from game.scenes.run.decision import DecisionDialog
from game.scenes.run.stuck import end_words
from game.ui import words


class Deciding:
    """The run scene's decisions and mid-day changes (see the module docstring)."""

    def _init_deciding(self, decide_within: bool | None) -> None:
        rnd = self.round
        self.decide_within = bool(decide_within)
        self.dialog: DecisionDialog | None = None
        self.decided: str | None = None  # the last decision's words, for the banner and the tests
        self._skip_after_dialog = False
        self.outlooks = Outlooks(self.scenario, self.pmap, rnd.start_rules, rnd.seed, background=self.background)

    def _keep_script(self) -> None:
        self.round.played = list(getattr(self.day, "played", ()))

    # ---- decisions ----
    def _check_asking(self) -> None:
        """The day stopped at a decision: freeze the clock there and ask (once per decision)."""
        index = getattr(self.day, "asking", None)
        if index is None or self.dialog is not None or self.ended_at is not None:
            return
        self._feed = None
        self.sim_time = self._feed_target = self.day.now  # the feed got no further than the decision
        self._skip_after_dialog = self.skipping
        self.skipping = False
        self.levers_open = False
        event = self.scenario.events[index]
        self._decision_options = decision_options(self.scenario, index, event.at)
        self.outlooks.want(self.day.played, self._decision_options)
        self.dialog = DecisionDialog(self.scenario, index, event, self.decide, self._choice_outlooks,
                                     timer=self.decide_within, until=self.end_words())

    def _choice_outlooks(self) -> dict:
        return {c.id: self.outlooks.outlook(c.id) for c in self.dialog.view.choices} if self.dialog else {}

    def decide(self, choice_id: str) -> None:
        """The player's (or the timer's) choice at the decision the day stopped at."""
        dialog = self.dialog
        if dialog is None:
            return
        forecasts = self.outlooks.profits()
        try:
            self.day.decide(choice_id)
        except Exception as exc:  # an engine that misbehaves: the day ends calmly, the game goes on
            self.dialog = None
            self._give_up(end_words(self.scenario, exc))
            return
        self.outlooks.cancel()
        self.dialog = None
        self.round.decisions.append((float(self.day.now), dialog.index, choice_id, forecasts))
        taken = self.scenario.events[dialog.index].decision.choice(choice_id)
        self.round.rules.update(taken.rules)  # a choice's rules hold from now on, as a lever pulled now
        self.rules.update(taken.rules)
        self._keep_script()
        label = dialog.view.label(choice_id)
        how = "the default, as time ran out" if dialog.left == 0.0 else "your choice"
        self.decided = f"From {self.moment()}: {label} ({how})"
        self.banners.append([dialog.view.advisor, self.decided, 0.0])
        self.busy = dict(self.day.busy_counts())
        if self.background:
            self._send_scout()
        if self._skip_after_dialog:
            self._skip_after_dialog = False
            self.skip()

    # ---- mid-day rule changes ----
    def _levers_pending(self, changes: dict) -> None:
        """The lever panel's pending change: to forecast once no slider is being dragged (`_want_lever_forecast`)."""
        self._lever_wanted = dict(changes)

    def _want_lever_forecast(self) -> None:
        """Each frame the panel is open: forecast the pending change against keeping the rules as they are,
        once the player lets go of the slider (a drag across many values asks once)."""
        wanted = getattr(self, "_lever_wanted", None)
        if wanted is None or any(getattr(w, "dragging", False) for w in self.lever_panel.widgets):
            return
        self._lever_wanted = None
        if not wanted:
            self.outlooks.cancel()
            self.outlooks.names = {}
            return
        now = float(self.day.now)
        self.outlooks.want(self.day.played, {"keep": [], "change": [(now, "rules", wanted)]})

    def _lever_outlooks(self) -> dict:
        return {name: self.outlooks.outlook(name) for name in ("keep", "change")}

    def _levers_closed(self, changes: dict) -> None:
        self._lever_wanted = None
        self.outlooks.cancel()
        self.outlooks.names = {}
        if changes:
            self.change_rules(changes)
        self.close_levers()

    def change_rule(self, rule_id: str, value) -> None:
        """One lever pulled mid-day (tests, tools): `change_rules` of that lever alone."""
        self.change_rules({rule_id: value})

    def change_rules(self, values: dict) -> None:
        """A change of rules mid-day: the Day takes it from now on, the round keeps it; one banner."""
        rnd = self.round
        values = {rid: v for rid, v in values.items() if rnd.rules.get(rid) != v}
        if not values or self.ended_at is not None:
            return
        try:
            self.day.apply_rules(values)
        except Exception as exc:  # an engine that misbehaves: the day ends calmly, the game goes on
            self._give_up(end_words(self.scenario, exc))
            return
        words = []
        for rule_id, value in values.items():
            old = rnd.rules.get(rule_id)
            rnd.rules[rule_id] = self.rules[rule_id] = value
            self.changes.append((self.day.now, rule_id, old, value))
            rule = self.scenario.rule(rule_id)
            words.append(f"{rule.label} {self._value_text(rule, old)} → {self._value_text(rule, value)}")
        rnd.changes_made += 1
        self._keep_script()
        self.lever_panel.open(rnd.rules)
        self.busy = dict(self.day.busy_counts())
        if self.background:  # the day from here on is another day: the scout proves it again
            self._send_scout()
        self.banners.append([None, f"From {self.moment()}: " + "; ".join(words), 0.0])

    def moment(self) -> str:
        """Now in words: the clock, and the day over a longer horizon ("day 6, 00:00")."""
        return moment(self.scenario, self.day.now)

    def end_words(self) -> str:
        """What "the end" is: "the end of the day", or "the end of day 14" over a longer horizon."""
        return f"the end of day {self.day_number(self.horizon - 1e-9)}" if self.multi_day else "the end of the day"

    @staticmethod
    def _value_text(rule, value) -> str:
        if rule.kind == "choice":
            return str(value).replace("_", " ")
        return f"{value:g}" if isinstance(value, float) else str(value)

    def day_changes_sentence(self) -> str:
        """"You changed the rules twice during the day; you took 1 decision"."""
        n, d = self.round.changes_made, len(self.round.decisions)
        times = {1: "once", 2: "twice"}.get(n, f"{n} times")
        span = words.horizon_noun(self.scenario)
        head = f"You changed the rules {times} during the {span}" if n else f"You kept the rules all {span}"
        if not self.scenario_has_decisions():
            return head + "."
        return f"{head}; you took {d} decision{'s' if d != 1 else ''}."

    def scenario_has_decisions(self) -> bool:
        return any(getattr(ev, "decision", None) for ev in self.scenario.events)
