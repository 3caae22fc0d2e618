"""Sales demo mode: shortcuts to any phase of any scenario, and the what-if screen."""
