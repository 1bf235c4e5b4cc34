"""The dashboard's record pages: the searchable customer list, the account 360 (one
timeline across marketing, sales, billing, support and success), and one deal with its
stage history. Rows follow the caller's scope: a record outside it is a 404 page, the
same as a missing one.

>>> PAGE_SIZE
50
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from revhub import browse
from revhub.access import may_use
from revhub.api.caller import Caller, guard
from revhub.api.routes_records import timeline_kinds
from revhub.web.rendering import page_for, render, router
from revhub.web.scorecard_view import Tile
from revhub.web.tables import Column, Table

Signed = Annotated[Caller, Depends(guard)]
PAGE_SIZE = 50
ACCOUNT_COLUMNS = [
    Column("name", "Company", href="url"),
    Column("domain", "Domain"),
    Column("segment_label", "Segment"),
    Column("region_label", "Region"),
    Column("owner", "Owner"),
    Column("csm", "CSM"),
    Column("arr", "ARR", "money"),
    Column("open_pipeline", "Open pipeline", "money"),
    Column("open_deals", "Open deals", "count"),
    Column("last_activity_at", "Last activity", "date"),
]
DEAL_COLUMNS = [
    Column("name", "Deal", href="url"),
    Column("account_name", "Company", href="account_url"),
    Column("owner", "Owner"),
    Column("stage_label", "Stage"),
    Column("amount", "Amount", "money"),
    Column("close_date", "Close date", "date"),
    Column("pushes", "Close date pushes", "count"),
    Column("days_in_stage", "Days in stage", "days"),
]


def _label(value: str | None) -> str:
    return (value or "").replace("_", " ").capitalize()


def account_rows(rows: list[browse.AccountRow]) -> list[dict[str, Any]]:
    """Account rows with their links and readable labels."""
    return [
        {
            **vars(r),
            "url": f"/customers/{r.account_id}",
            "segment_label": _label(r.segment),
            "region_label": _label(r.region),
        }
        for r in rows
    ]


def deal_rows(rows: list[browse.DealRow], caller: Caller) -> list[dict[str, Any]]:
    """Deal rows with links to the deal and (for who may open customers) its company."""
    return [
        {
            **vars(r),
            "url": f"/pipeline/deals/{r.opportunity_id}",
            "account_url": f"/customers/{r.account_id}"
            if may_use(caller.role, "customers")
            else None,
            "stage_label": _label(r.stage),
        }
        for r in rows
    ]


def deals_table(request: Request, caller: Caller, *, slipped: bool = False) -> Table:
    """The open deals the caller may see (or the slipped ones), soonest close first."""
    page = page_for(request, caller)
    found = browse.list_deals(
        page.hub.reader(),
        caller.scope,
        status="open",
        slipped=slipped or None,
        sort="close_date",
        page_size=25,
    )
    what = "slipped" if slipped else "open"
    query = urlencode(
        {
            "status": "open",
            "format": "csv",
            "page_size": 500,
            **({"slipped": "true"} if slipped else {}),
        }
    )
    return Table(
        f"{what}-deals",
        f"Slipped deals ({found.total:,})" if slipped else f"Open deals ({found.total:,})",
        DEAL_COLUMNS,
        deal_rows(found.items, caller),
        csv_url=f"/api/deals?{query}",
        description="Open deals whose close date was pushed out at least once"
        if slipped
        else "Open opportunities, soonest expected close first",
    )


@router.get("/customers")
def customers(
    caller: Signed,
    request: Request,
    q: Annotated[str | None, Query(max_length=200)] = None,
    sort: Annotated[str, Query(pattern=r"^-?(name|domain|arr|pipeline|last_activity)$")] = "-arr",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    """Companies: search by name or domain, filter by segment and region, sort, page."""
    view = page_for(request, caller)
    found = browse.list_accounts(
        view.hub.reader(),
        caller.scope,
        q=q or None,
        segment=view.filters.segment,
        region=view.filters.region,
        sort=sort,
        page=page,
        page_size=PAGE_SIZE,
        settings=view.hub.settings.metrics,
    )
    params = {
        "q": q or "",
        "sort": sort,
        "segment": view.filters.segment or "",
        "region": view.filters.region or "",
    }
    kept = {k: v for k, v in params.items() if v}
    table = Table(
        "accounts",
        f"Companies ({found.total:,})",
        ACCOUNT_COLUMNS,
        account_rows(found.items),
        csv_url="/api/accounts?"
        + urlencode({**kept, "page": page, "page_size": PAGE_SIZE, "format": "csv"}),
        description="One row per company, merged across every system",
        empty="No company matches this search.",
    )

    def page_href(number: int) -> str:
        return "/customers?" + urlencode({**kept, "page": number})

    return render(
        request,
        "customers.html",
        {
            "title": "Customers",
            "tables": [table],
            "q": q or "",
            "sort": sort,
            "found": found,
            "previous": page_href(page - 1) if page > 1 else None,
            "next": page_href(page + 1) if page < found.pages else None,
        },
    )


@router.get("/customers/{account_id}")
def customer(account_id: str, caller: Signed, request: Request) -> Response:
    """One company across every team: who it is, what it pays, its deals, its health, and
    one timeline of everything that happened."""
    view = page_for(request, caller)
    con, settings = view.hub.reader(), view.hub.settings.metrics
    detail = browse.account_detail(con, caller.scope, account_id, settings=settings)
    events = browse.account_timeline(
        con, caller.scope, account_id, kinds=timeline_kinds(caller), settings=settings
    )
    fmt, health, revenue = view.fmt, detail["health"], detail["revenue"]
    csat = health["csat"]["average"] if health.get("csat") else None
    nps = health["last_nps"]["score"] if health.get("last_nps") else None
    tiles = [
        Tile("ARR", fmt.money(revenue["arr"]), None, "Recurring revenue, annualised", ""),
        Tile("Open deals", fmt.number(len(detail["open_deals"])), None, "", ""),
        Tile("Open tickets", fmt.number(health["open_tickets"]), None, "", ""),
        Tile(
            "CSAT (90 days)",
            fmt.number(csat, 1) if csat is not None else "–",
            None,
            "Average satisfaction score of the last 90 days",
            "",
        ),
        Tile("Last NPS", fmt.number(nps) if nps is not None else "–", None, "", ""),
    ]
    records = Table(
        "records",
        "Merged from these records",
        [
            Column("source", "System"),
            Column("source_id", "Id in that system"),
            Column("name", "Name"),
            Column("domain", "Domain"),
            Column("matched_by", "Matched by"),
        ],
        detail["records"],
    )
    tables = [records]
    if detail["open_deals"] and may_use(caller.role, "pipeline"):
        tables.append(
            Table(
                "open-deals",
                "Open deals",
                DEAL_COLUMNS[:1] + DEAL_COLUMNS[2:],
                [
                    {
                        **d,
                        "url": f"/pipeline/deals/{d['opportunity_id']}",
                        "stage_label": _label(d.get("stage")),
                    }
                    for d in detail["open_deals"]
                ],
            )
        )
    if may_use(caller.role, "billing"):
        tables.append(
            Table(
                "subscriptions",
                "Subscriptions",
                [
                    Column("subscription_id", "Subscription"),
                    Column("status", "Status"),
                    Column("billing_interval", "Billed every"),
                    Column("start_date", "Started", "date"),
                    Column("ended_date", "Ended", "date"),
                    Column("mrr", "MRR", "money"),
                ],
                detail["subscriptions"],
            )
        )
    timeline = [{**vars(e), "kind_label": _label(e.kind)} for e in reversed(events)]
    return render(
        request,
        "account.html",
        {
            "title": detail["account"].get("name") or account_id,
            "account": detail["account"],
            "tiles": tiles,
            "tables": tables,
            "timeline": timeline,
            "explanations": detail["explanations"],
            "exports": {
                "timeline": Table(
                    "timeline",
                    "Timeline",
                    [
                        Column("at", "When", "date"),
                        Column("kind", "Team"),
                        Column("title", "What"),
                        Column("detail", "Detail"),
                        Column("amount", "Amount", "money"),
                    ],
                    timeline,
                )
            },
        },
    )


@router.get("/pipeline/deals/{opportunity_id}")
def deal(opportunity_id: str, caller: Signed, request: Request) -> Response:
    """One deal: where it stands and every change of stage, amount, close date and owner."""
    view = page_for(request, caller)
    detail = browse.deal_detail(view.hub.reader(), caller.scope, opportunity_id)
    found, fmt = detail["deal"], view.fmt
    tiles = [
        Tile("Amount", fmt.money(found["amount"]), None, "", ""),
        Tile("Stage", _label(found["stage"]), None, "", ""),
        Tile("Close date", fmt.date(found["close_date"]), None, "", ""),
        Tile("Close date pushes", fmt.number(found["pushes"]), None, "", ""),
        Tile("Days in stage", fmt.number(found["days_in_stage"]), None, "", ""),
    ]
    history = Table(
        "history",
        "Changes",
        [
            Column("valid_from", "From", "date"),
            Column("change_kind", "Change"),
            Column("stage_label", "Stage"),
            Column("probability", "Probability", "ratio"),
            Column("amount", "Amount", "money"),
            Column("close_date", "Close date", "date"),
            Column("owner", "Owner"),
        ],
        [{**h, "stage_label": _label(h.get("stage"))} for h in detail["history"]],
    )
    return render(
        request,
        "deal.html",
        {
            "title": found["name"],
            "deal": found,
            "tiles": tiles,
            "tables": [history],
            "account_url": f"/customers/{found['account_id']}"
            if may_use(caller.role, "customers")
            else None,
        },
    )
