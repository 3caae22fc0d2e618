"""Workshop mode (`python main.py --facilitator [--scenarios DIR]`): teams take turns on one machine.

- Custom scenarios come from `--scenarios` folders and are listed beside the built-in ones on scenario
  select; a file that does not load is a card with its LINE:COL problems (game.scenes.select does both).
  The folders are polled: a file added, removed or changed on disk reloads the list where it is shown.
- The workshop screen lists the named teams and whose turn it is (fewest rounds played, then the order
  they joined: a new team waits its turn); "Play" starts that team's round at scenario select, and every
  screen of the turn names the team playing. Its results are recorded for the team (game.data.store) as
  soon as they are tallied, and "Next team" hands the machine to the team whose turn it is.
- The results board compares the teams side by side on one scenario, ranked by the rule written on it
  (profit on the evaluation days; ties: stars, then map): profit in money, stars, targets met or missed,
  the levers and the decisions at the shocks (game.data.played), and each team's map as a thumbnail
  (game.ui.board.Board).
- The workshop screen stands in the title's place and the team's results in the flow's (the flow builds
  them: `app.settings.screens`, game.core.settings), so Back from scenario select, or the crash guard,
  lands on the teams.
- Export writes `results.csv` of every round of the workshop (game.data.exports) and a debrief per team
  (PNG and PDF, game.data.report) into `exports/WORKSHOP/` in the data folder.

One module per part:
- `mode`: the `Workshop` layer (teams and turns, recording, exports, the folders' watch) and `install`;
- `teams`: the workshop screen, home of the machine;
- `team_name`: a team's name on the keyboard;
- `board`: the results board, the teams side by side;
- `playing`: the team playing, named on every screen of its turn;
- `results`: the results kept for the team, "Next team" the way on.
"""
