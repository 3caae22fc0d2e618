"""The run: the player's own map comes alive for one simulated day.

An engine `Day` (replication 0 of the round's seed, on `round.pmap` with `round.rules`) is advanced a
slice per frame and its trace drives the picture: each move of a caller along a link becomes a token
gliding along that link's curve for a short, fixed wall time (so motion reads at any speed), queues grow
as stacks beside the desks, staff show as figures per pool (filled: busy; outlined: idle), and a scripted
event appears as its advisor's banner.

Speed: 1x plays the scenario's horizon (its day, or its fortnight) in `DAY_SECONDS_1X` = 90 s of wall
time, and says so on screen ("1x = a day in 90 s", "1x = 14 days in 90 s"); 10x, 60x and Max are
multiples of it; pause stops sim time. The player may change the rules mid-day (the day pauses while the
lever panel is open, which forecasts the change against keeping the rules): the change goes to the Day
with `Day.apply_rules` as the panel closes and holds from that moment on; it is also kept in
`round.rules`. The day is built with `ask=True`: at an event that carries a decision it stops, and the
decision dialog asks the player (with each choice's rest-of-day forecast; the kiosk's `decide_within`
adds a timer that takes the default); the choice goes to the Day with `Day.decide`.

When the day is over, the results run is made (`engine.sim.run` on the evaluation days, the same map, the
rules the day began with and its script of changes and decisions, in a background job; the watched day is
day 1 of them) and then `on_done()` is called. The game never waits on
the engine: a scout plays the same day ahead in a forked child, the watched day never goes past what the
scout has proven finishes, and a day that cannot finish ends calmly on a card that says so in a player's
words, with a way back to the map (`on_map`) and on to the results; no results run is made then. With
`background=False` (tests) the day and the results run are played in this thread, with the watched
day's own guards only.

What this scene leaves in the round for the results screen:
- `round.result`: the `engine.sim.RunResult` of that run (None if it failed; then `round.run_error`).
- `round.day`: the Day that was watched.
- `round.timeline`: the watched day by clock hour (by day when the horizon is over 48 hours),
  lists of the same length: `{"hours": ["08:00", ...] (or ["Day 1", ...]), "bucket": "hour" or "day",
  "queue": [mean entities waiting over the bucket, ...], "service_level": [share served within the
  target wait among those who reached a desk in that bucket, or None when nobody did],
  "arrivals": [count, ...]}`. Buckets after the horizon (the drain) are included.
- `round.watched_kpis`: the watched day's own KPIs (`Day.kpis()`).
- `round.rule_changes`: `[(sim_time, rule_id, old, new), ...]` in the order they were made.
- `round.start_rules`, `round.played`: the rules the day began with and its script (`Day.played`: each
  change of rules and each decision, defaults taken included), which the results run plays.
- `round.decisions`: `[(sim_time, event_index, chosen_id, {choice_id: forecast profit}), ...]`.
- `round.changes_made`: how many changes of rules the player made (one per closing of the lever panel).
- `round.day_unfinished`: True when the day could not finish (then `round.run_error` says why).

One module per part:
- `scene`: `RunScene`, the day watched, its controls, and how the parts are put on screen;
- `scout`: the watched day and the scout that proves how far it finishes (`Scouting`);
- `feed`: the watched day fed to the picture a frame's budget at a time, and its own guards (`Feed`);
- `ending`: the end of the day, the results run, the ways on (`Ending`);
- `stuck`: what the card says of a day that cannot finish;
- `tokens`: callers in flight along the links;
- `timeline`: the watched day tallied by hour;
- `clock`: the speeds and the day's clock in words;
- `levers`: the lever panel, with the pending change's forecast;
- `deciding`: decisions at the shocks and rules changed mid-day, turned into the day's script (`Deciding`);
- `decision`: the decision dialog;
- `banners`: the advisors' banners and the rule changes over the board;
- `marks`: queues and stock on the cards;
- `strip`: the staff, today's numbers and the pause sign in the strip along the bottom;
- `card`: the end-of-day card;
- `regions`: where the parts sit on the screen.
"""
from __future__ import annotations

from game.scenes.run.clock import DAY_SECONDS_1X, SPEEDS
from game.scenes.run.scene import RunScene
from game.scenes.run.scout import RUNAWAY, NoDay
from game.scenes.run.tokens import MAX_TOKENS

__all__ = ["RunScene", "DAY_SECONDS_1X", "SPEEDS", "MAX_TOKENS", "RUNAWAY", "NoDay"]
