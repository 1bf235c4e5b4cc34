"""Ingestion: stage what the sources hand over, validate it, merge it into the canonical tables.

``run.ingest(ws, names)`` is the entry point; ``stage``, ``reading``, ``merge`` and
``records`` are its steps.
"""
