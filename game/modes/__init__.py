"""The kiosk, workshop and demo modes, each in its folder, what they share (shared), and the start-up that
picks one from the command line (start)."""
