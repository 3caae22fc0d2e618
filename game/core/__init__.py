"""The frame of the game: the window and its loop (app), the scene stack, background jobs, the crash guard."""
