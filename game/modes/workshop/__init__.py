"""Workshop mode: a facilitator's teams play rounds, compared on a board."""
