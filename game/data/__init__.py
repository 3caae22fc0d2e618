"""What the game keeps and hands out: the store (leaderboard, leads, workshop rounds), exports, debrief reports, the initials deny-list."""
