"""The demo company as its systems would export it (``revhub generate --format native``)."""
