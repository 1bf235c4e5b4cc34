"""Go-to-market side of the demo company.

Org, accounts, people, funnel, touchpoints, pipeline and marketing spend.
"""
