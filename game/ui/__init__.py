"""What screens are drawn with: the theme, widgets, the on-screen keyboard, icons, charts, the map board and its layout, portraits, KPIs in words."""
