"""The public transparency page: aggregate figures published in periodic snapshots (SR-33)."""
