"""Data problems planted in the demo company: cross-system duplicates and invalid values."""
