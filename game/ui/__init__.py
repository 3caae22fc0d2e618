"""What screens are drawn with: the theme and the bundled fonts (assets), widgets, the levers of the rules
(levers), the on-screen keyboard, icons, charts, portraits, KPIs in words, the veil under a dialog (veil),
and the process map: its cards (cards), the links' curves (curves), the board that draws them (board) and
their auto-layout (layout)."""
