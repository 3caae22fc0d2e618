"""A round of play: its state (round), the order of its phases and the screens' ways on (flow), the
scenario catalogue, par, and what a round came to (outcome, daystats)."""
