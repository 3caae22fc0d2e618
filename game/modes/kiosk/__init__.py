"""Kiosk mode (`python main.py --kiosk`): a trade-show stand that plays itself until someone taps.

- Attract: the autoplay plays a whole round through the real screens, behind a "Tap to play" call and the
  day's best score. A tap (or a key) starts a real round at scenario select.
- A round has the scenario's `kiosk.round_seconds` (180 by default), split between its phases so that the
  day always finishes (game.modes.kiosk.budget), and shown as a timer with the time left for the phase on
  screen in words; the map phase starts from the scenario's kiosk start map (a handful of links to place:
  engine.kiosk), and every player of a day meets the same day (the daily challenge seed).
- A visitor still on the briefing, the map or the rules when their time is up sees "Time's up" for a
  moment, then the day runs with what they built. The day is never cut: it plays at the speed that fits
  it in the time left (RunScene's `play_seconds`), its decisions on their timers; then the results.
- Idle reset: after `idle_seconds` (45) without input, "Still there?" counts down 10 seconds; then back
  to attract, the unfinished round discarded. Watching the day run, or the results being tallied, is not
  idleness.
- After the results: three initials on a big on-screen keyboard (a deny-list refuses rude ones), today's
  board and the all-time board; then, only with explicit consent, a lead (name, company, email).
- A crash guard (game.core.guard) logs any exception in a screen and starts again from attract.
- A save the machine refuses (a full disk, a database that could not be opened at start) is said on the
  screen the visitor is on ("we couldn't save your score, please tell the staff") and logged with its
  reason; the visitor stays where they were. Started on an unusable data folder, the kiosk plays without
  saving, and its attract screen says so to the staff.
- A watchdog returns the kiosk to attract mode, with a line in the log, when one screen has lasted
  longer than it ever should (game.modes.kiosk.timer says how long).

Everything here drives the ordinary screens from a `Layer` above them (game.modes.shared): the screens do
not know they are in a kiosk. The results of a visitor's round are the kiosk's own (a subclass with "Save
my score"), which the flow builds in place of its own: the kiosk gives it the builder
(`app.settings.screens["results"]`, `Kiosk.results_screen`).

One module per part:
- `mode`: the `Kiosk` layer (attract or play, the idle reset, the order of its screens) and `install`;
- `options`: `KioskOptions`;
- `budget`: the round's seconds split between its phases;
- `timer`: the round timer on its budget, the time's-up moment, and the watchdog;
- `overlays`: what the layer draws over the screens (the attract band, the timer, "Still there?");
- `results`: the results with "Save my score";
- `initials`, `boards`, `lead`: the screens after the results.
"""
