"""A round of play: its state (round), the order of its phases (flow), and what it came to."""
