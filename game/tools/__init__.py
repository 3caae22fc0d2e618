"""The game driving itself: the autoplay, and the screenshots of every screen and of every mode."""
