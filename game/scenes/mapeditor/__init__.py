"""The map editor: the player builds the process as cards and links, then checks it against the expert.

The screen: a tray of step cards on the left (every card of the scenario not yet on the board, the
distractors among them), the board in the middle, a toolbar along the bottom (undo, redo, tidy up, remove,
the advisors you can ask, the hints, check), an instruction line and the attempt counter along the top.

What the player can do, with a finger or a mouse:
- place a card: drag it from the tray onto the board, or tap it and then tap the board;
- connect a port: drag from the port (the handle on a card's right side, or its row) to the next card, or
  tap the port and then the card; connecting a connected port moves its link; dropping a port's link on
  the empty board removes it;
- move a card by dragging it; remove it (with its links) by dropping it back on the tray, or by selecting
  it and pressing Remove or the Delete key; a link is selected by tapping it;
- undo and redo (buttons, Ctrl+Z, Ctrl+Y or Ctrl+Shift+Z); tidy up (the auto-layout of game.ui.layout);
- check the map (Enter): problems are said in words and their cards and ports ringed, without using an
  attempt; a runnable map uses an attempt, is scored 0-100 and, after a miss, the advisors give up to two
  hints. After the last attempt or a perfect map the best attempt's map comes back with the expert's
  missing links dashed (+) and its extra links crossed (×), and Continue calls `on_done()`;
- tap an advisor for a tip on what the map lacks most (game.play.tips.map_tip), and read every hint and
  tip again in the hints panel (it opens by itself when a missed attempt's map is being improved).

The round is kept up to date: `round.edges`, `round.layout`, `round.attempts` and `round.map_score`.

One module per part:
- `scene`: `MapEditorScene`, the phase's state and actions, and how the parts are put on screen;
- `draft`: the map being drawn and its undo history;
- `gestures`: what presses, drags, taps and keys mean;
- `tray`: the cards not yet placed;
- `check`: what "Check my map" shows (the problems, the score panel);
- `reveal`: the best map marked against the expert's;
- `notes`: the hints panel, every hint of the attempts and every tip asked;
- `hints`: the silent instructions for a player standing still;
- `regions`: where the parts sit on the screen.
"""
from __future__ import annotations

from game.scenes.mapeditor.regions import BOARD, LAYOUT_RECT, TRAY
from game.scenes.mapeditor.scene import MapEditorScene

__all__ = ["MapEditorScene", "BOARD", "LAYOUT_RECT", "TRAY"]
