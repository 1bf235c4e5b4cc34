"""Customer side of the demo company.

Catalogue, subscriptions, billing, usage, support, NPS, renewals and targets.
"""
