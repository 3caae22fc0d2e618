"""Where the game's bundled files are: the fonts (Inter, under the OFL beside them) and the portraits a
scenario may name. The top-level `assets/` folder in a source checkout, `game/assets/` inside a wheel
(engine.resources.shipped says how the two are told apart)."""
from __future__ import annotations

from engine.resources import shipped

ASSETS = shipped("game", "assets")
FONTS = ASSETS / "fonts"
PORTRAITS = ASSETS / "portraits"
