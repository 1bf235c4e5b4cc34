"""Connectors: each system's native shape mapped into the canonical model.

``base`` is the contract (Source, Batch, Rejected, source_key); ``readers`` reads CSV
and JSON without losing a record; ``registry`` finds the connector for a ``kind``.
"""
