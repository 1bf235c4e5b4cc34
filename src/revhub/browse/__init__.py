"""What a person searches and clicks through: accounts, deals, a company's timeline,
data quality, duplicate clusters and ingestion — the row-scoped lookups behind the REST
API and the dashboard.

Every function takes a raw DuckDB connection on the workspace's database (the server
passes each thread its own cursor) and, where rows are scoped, a
``revhub.access.RowScope`` (``scope_for`` builds it from a role and a CRM user). Values
travel as query parameters, never as SQL text. Results are plain Python: dataclasses and
dicts, money as floats in base currency, dates and timestamps as ``datetime`` objects.
A record outside the caller's scope raises ``NotFoundError`` exactly like a missing
one; lists of what was never produced (no resolve, quality or ingest run yet) are empty.

Companies are golden accounts after ``ws.resolve()`` (each account record on its own
before); see ``revhub.browse.companies``.
"""

from revhub.browse.account_detail import account_detail
from revhub.browse.accounts import AccountRow, list_accounts
from revhub.browse.clusters import ClusterRow, cluster_detail, list_clusters
from revhub.browse.deals import DealRow, deal_detail, list_deals
from revhub.browse.operations import IngestRun, QuarantinedRow, list_ingest_runs, list_quarantine
from revhub.browse.pages import MAX_PAGE_SIZE, Page
from revhub.browse.quality import IssueRow, list_issues, quality_overview, top_issues
from revhub.browse.scope import scope_for
from revhub.browse.timeline import KINDS as TIMELINE_KINDS
from revhub.browse.timeline import TimelineEvent, account_timeline
from revhub.errors import BrowseQueryError

__all__ = [
    "MAX_PAGE_SIZE",
    "TIMELINE_KINDS",
    "AccountRow",
    "BrowseQueryError",
    "ClusterRow",
    "DealRow",
    "IngestRun",
    "IssueRow",
    "Page",
    "QuarantinedRow",
    "TimelineEvent",
    "account_detail",
    "account_timeline",
    "cluster_detail",
    "deal_detail",
    "list_accounts",
    "list_clusters",
    "list_deals",
    "list_ingest_runs",
    "list_issues",
    "list_quarantine",
    "quality_overview",
    "scope_for",
    "top_issues",
]
