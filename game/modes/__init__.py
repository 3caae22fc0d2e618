"""The kiosk, workshop and demo modes, each in its folder, and what they share (shared)."""
