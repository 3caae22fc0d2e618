"""The frame of the game: the window and its loop (app), what the session is set to (settings), the scene
stack, background jobs, the crash guard."""
