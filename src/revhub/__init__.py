"""revhub: one revenue data model, one set of numbers."""
