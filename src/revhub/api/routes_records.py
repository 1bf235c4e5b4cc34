"""Accounts, deals, data quality, duplicate clusters, ingest runs, users and the audit log,
each list paged (``page``, ``page_size``) and scoped to the caller's rows; lists also come
as CSV (``format=csv``, audited as an export).

>>> router.prefix
'/api'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from revhub import browse
from revhub.access import may_use
from revhub.api.caller import Caller, client_ip, guard, hub_of
from revhub.api.problems import PROBLEM_RESPONSES
from revhub.api.routes_metrics import csv_response
from revhub.appdb import audit, list_users, recent
from revhub.browse.accounts import SORTS as ACCOUNT_SORTS
from revhub.browse.deals import SORTS as DEAL_SORTS

router = APIRouter(prefix="/api", tags=["records"], responses=PROBLEM_RESPONSES)
Signed = Annotated[Caller, Depends(guard)]
PageNumber = Annotated[int, Query(ge=1, le=1_000_000, description="Page, from 1.")]
PageSize = Annotated[int, Query(ge=1, le=browse.MAX_PAGE_SIZE, description="Rows per page.")]
Format = Literal["json", "csv"]
Item = TypeVar("Item")


class PageOut(BaseModel, Generic[Item]):
    """One page of a list."""

    items: list[Item]
    total: int
    page: int
    page_size: int
    pages: int


def _plain(value: Any) -> Any:
    """JSON-ready values; timestamps, stored as UTC without a zone, get theirs."""
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def page_out(page: browse.Page[Any]) -> dict[str, Any]:
    return {
        "items": [_plain(item) for item in page.items],
        "total": page.total,
        "page": page.page,
        "page_size": page.page_size,
        "pages": page.pages,
    }


def _csv_value(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def listing(
    request: Request,
    caller: Caller,
    what: str,
    format: Format,
    fetch: Callable[[], browse.Page[Any]],
) -> Any:
    """A page as JSON, or as CSV (audited as an export)."""
    page = fetch()
    if format == "json":
        return page_out(page)
    audit.record(
        hub_of(request).database,
        "export",
        actor=caller.user,
        target=what,
        detail={"query": str(request.url.query)},
        ip=client_ip(request),
    )
    rows = [{k: _csv_value(v) for k, v in _plain(item).items()} for item in page.items]
    return csv_response(rows, f"{what}.csv")


CSV: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {}}}}


def sort_query(columns: Iterable[str]) -> Any:
    """A ``sort`` parameter: a column, ``-`` first for descending; anything else is a 422."""
    names = "|".join(columns)
    return Query(
        pattern=f"^-?({names})$",
        description=f"One of {', '.join(columns)}; prefix `-` for descending.",
    )


AccountSort = Annotated[str, sort_query(ACCOUNT_SORTS)]
DealSort = Annotated[str, sort_query(DEAL_SORTS)]


@router.get("/accounts", response_model=PageOut[browse.AccountRow], responses=CSV)
def accounts(
    caller: Signed,
    request: Request,
    q: Annotated[str | None, Query(max_length=200)] = None,
    segment: str | None = None,
    region: str | None = None,
    owner_id: str | None = None,
    is_customer: bool | None = None,
    sort: AccountSort = "name",
    page: PageNumber = 1,
    page_size: PageSize = 50,
    format: Format = "json",
) -> Any:
    """Companies (golden accounts): search by name or domain, filter, sort, page."""
    return listing(
        request,
        caller,
        "accounts",
        format,
        lambda: browse.list_accounts(
            hub_of(request).reader(),
            caller.scope,
            q=q,
            segment=segment,
            region=region,
            owner_id=owner_id,
            is_customer=is_customer,
            sort=sort,
            page=page,
            page_size=page_size,
            settings=hub_of(request).settings.metrics,
        ),
    )


@router.get("/accounts/{account_id}", response_model=dict[str, Any])
def account(account_id: str, caller: Signed, request: Request) -> Any:
    """One company: golden record, the source records merged into it, deals,
    subscriptions and health."""
    hub = hub_of(request)
    return _plain(
        browse.account_detail(hub.reader(), caller.scope, account_id, settings=hub.settings.metrics)
    )


def timeline_kinds(caller: Caller) -> set[str]:
    """The timeline kinds a role sees: billing only with the billing area."""
    kinds = set(browse.TIMELINE_KINDS)
    return kinds if may_use(caller.role, "billing") else kinds - {"billing"}


@router.get(
    "/accounts/{account_id}/timeline",
    response_model=list[browse.TimelineEvent],
)
def account_timeline(
    account_id: str,
    caller: Signed,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> Any:
    """One timeline of the company across marketing, sales, billing, support and success."""
    hub = hub_of(request)
    return _plain(
        browse.account_timeline(
            hub.reader(),
            caller.scope,
            account_id,
            kinds=timeline_kinds(caller),
            limit=limit,
            settings=hub.settings.metrics,
        )
    )


@router.get("/deals", response_model=PageOut[browse.DealRow], responses=CSV)
def deals(
    caller: Signed,
    request: Request,
    status: Literal["open", "won", "lost"] | None = None,
    stage: str | None = None,
    owner_id: str | None = None,
    account_id: str | None = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    slipped: bool | None = None,
    sort: DealSort = "close_date",
    page: PageNumber = 1,
    page_size: PageSize = 50,
    format: Format = "json",
) -> Any:
    """Opportunities you may see: filter by status, stage, owner, company; slipped ones."""
    return listing(
        request,
        caller,
        "deals",
        format,
        lambda: browse.list_deals(
            hub_of(request).reader(),
            caller.scope,
            status=status,
            stage=stage,
            owner_id=owner_id,
            account_id=account_id,
            q=q,
            slipped=slipped,
            sort=sort,
            page=page,
            page_size=page_size,
        ),
    )


@router.get("/deals/{opportunity_id}", response_model=dict[str, Any])
def deal(opportunity_id: str, caller: Signed, request: Request) -> Any:
    """One deal with its stage history."""
    return _plain(browse.deal_detail(hub_of(request).reader(), caller.scope, opportunity_id))


@router.get("/quality", response_model=dict[str, Any])
def quality(caller: Signed, request: Request) -> Any:
    """Data-quality scores of the latest run, their trend, and the top issues by rule."""
    con = hub_of(request).reader()
    return _plain({**browse.quality_overview(con), "top_issues": browse.top_issues(con)})


@router.get("/quality/issues", response_model=PageOut[browse.IssueRow], responses=CSV)
def quality_issues(
    caller: Signed,
    request: Request,
    rule: str | None = None,
    severity: str | None = None,
    table: str | None = None,
    owner_id: str | None = None,
    page: PageNumber = 1,
    page_size: PageSize = 50,
    format: Format = "json",
) -> Any:
    """Issues of the latest quality run, with the owner who should fix each."""
    return listing(
        request,
        caller,
        "quality_issues",
        format,
        lambda: browse.list_issues(
            hub_of(request).reader(),
            rule=rule,
            severity=severity,
            table=table,
            owner_id=owner_id,
            page=page,
            page_size=page_size,
        ),
    )


@router.get("/clusters", response_model=PageOut[browse.ClusterRow])
def clusters(
    caller: Signed,
    request: Request,
    entity: Literal["account", "person"] = "account",
    min_size: Annotated[int, Query(ge=2, le=1000)] = 2,
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> Any:
    """Duplicate clusters found by identity resolution."""
    return page_out(
        browse.list_clusters(
            hub_of(request).reader(),
            entity=entity,
            min_size=min_size,
            page=page,
            page_size=page_size,
        )
    )


@router.get("/clusters/{cluster_id}", response_model=dict[str, Any])
def cluster(cluster_id: str, caller: Signed, request: Request) -> Any:
    """One cluster: its records and why each pair was (or was not) matched."""
    return _plain(browse.cluster_detail(hub_of(request).reader(), cluster_id))


@router.get("/ingest/runs", response_model=PageOut[browse.IngestRun])
def ingest_runs(
    caller: Signed, request: Request, page: PageNumber = 1, page_size: PageSize = 20
) -> Any:
    """Ingest runs, newest first, with counts per source and table."""
    return page_out(
        browse.list_ingest_runs(hub_of(request).reader(), page=page, page_size=page_size)
    )


@router.get("/ingest/quarantine", response_model=PageOut[browse.QuarantinedRow], responses=CSV)
def quarantine(
    caller: Signed,
    request: Request,
    source: str | None = None,
    table: str | None = None,
    page: PageNumber = 1,
    page_size: PageSize = 50,
    format: Format = "json",
) -> Any:
    """Rows refused by the latest ingest of each source, with their reason and origin."""
    return listing(
        request,
        caller,
        "quarantine",
        format,
        lambda: browse.list_quarantine(
            hub_of(request).reader(),
            source=source,
            table=table,
            page=page,
            page_size=page_size,
        ),
    )


class AppUserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    crm_user_id: str | None
    is_active: bool
    last_login_at: dt.datetime | None


@router.get("/users", response_model=list[AppUserOut])
def users(caller: Signed, request: Request) -> Any:
    """The people who may sign in (admin only)."""
    return [_plain(u) for u in list_users(hub_of(request).database)]


@router.get("/audit", response_model=list[dict[str, Any]])
def audit_log(
    caller: Signed,
    request: Request,
    action: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Any:
    """The audit log, newest first: logins, exports and admin changes (admin only)."""
    return [_plain(entry) for entry in recent(hub_of(request).database, limit=limit, action=action)]
