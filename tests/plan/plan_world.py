"""A small company whose plan can be worked out by hand (the planning tests' world).

As of 2026-07-01 the trailing year (July 2025 – June 2026) holds, all in segment smb,
region emea, channel paid_search:

- 40 people entering lead; 20 of them move on to MQL, 10 of those to SQL, all on the
  day they became leads: lead→MQL 0.5, MQL→SQL 0.5, 0 days each;
- 8 new-business deals: 5 created on the SQL day of persons 1–5 (SQL→opportunity 0.5,
  0 days), 3 on companies without people; 2 won at 50,000 after 30 days, 6 lost:
  win rate 0.25, deal size 50,000, sales cycle 30 days;
- 2 ramped AEs with an annual quota of 400,000 each; the 100,000 won is theirs:
  attainment 100,000 ÷ 800,000 = 0.125;
- 1,000 a month of paid_search spend: 12,000, i.e. 300 a lead, 600 an MQL, 1,200 an SQL.

Its stored new-bookings targets are 70,000, 80,000 and 90,000 for July–September 2026.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import revhub
from revhub.model import get_table

AS_OF = dt.date(2026, 7, 1)
CREATED = dt.datetime(2025, 1, 1)
MONEY = {"currency": "USD", "fx_rate": 1.0}
DEFAULTS: dict[str, dict[str, Any]] = {
    "accounts": {"segment": "smb", "region": "emea"},
    "leads": {
        "channel": "paid_search",
        "segment": "smb",
        "region": "emea",
        "status": "new",
        "is_converted": False,
    },
    "users": {
        "role": "ae",
        "team_id": "t_emea_smb",
        "region": "emea",
        "segment": "smb",
        "hire_date": dt.date(2024, 1, 1),
        "ramp_months": 3,
        "is_active": True,
        "annual_quota": 400_000.0,
        "annual_quota_base": 400_000.0,
        **MONEY,
    },
    "opportunities": {
        "opportunity_type": "new_business",
        "is_closed": True,
        "source_channel": "paid_search",
        **MONEY,
    },
    "lifecycle_events": {"entity_type": "lead", "channel": "paid_search"},
    "marketing_spend": {"channel": "paid_search", **MONEY},
}


def day_of(person: int) -> dt.date:
    """The day person ``person`` (1–40) became a lead (and, if they did, MQL and SQL)."""
    return dt.date(2026, 1, 4) + dt.timedelta(days=person)


def deal(number: int, account: str, created: dt.date, *, won: bool) -> dict[str, Any]:
    """A closed new-business deal: won at 50,000 after 30 days, or lost after 20."""
    closed = created + dt.timedelta(days=30 if won else 20)
    amount = 50_000.0 if won else 40_000.0
    return {
        "opportunity_id": f"opp{number:02d}",
        "account_id": account,
        "owner_id": "ae1" if won else "ae2",
        "stage": "closed_won" if won else "closed_lost",
        "forecast_category": "closed" if won else "omitted",
        "is_won": won,
        "amount": amount,
        "amount_base": amount,
        "list_amount": amount,
        "list_amount_base": amount,
        "discount": 0.0,
        "created_date": created,
        "close_date": closed,
        "closed_date": closed,
    }


def rows() -> dict[str, list[dict[str, Any]]]:
    """Every row of the world, by table."""
    events = []
    for person in range(1, 41):
        at = dt.datetime.combine(day_of(person), dt.time(9))
        stages = ["lead", *(["mql"] if person <= 20 else []), *(["sql"] if person <= 10 else [])]
        for number, stage in enumerate(stages):
            events.append(
                {
                    "lifecycle_event_id": f"ev{person:02d}{stage}",
                    "entity_id": f"lead{person:02d}",
                    "account_id": f"acc{person:02d}",
                    "to_stage": stage,
                    "occurred_at": at + dt.timedelta(minutes=number),
                }
            )
    deals = [deal(n, f"acc{n:02d}", day_of(n), won=n <= 2) for n in range(1, 6)]
    deals += [deal(n, f"acc{n + 35:02d}", dt.date(2026, 2, 1), won=False) for n in range(6, 9)]
    return {
        "teams": [{"team_id": "t_emea_smb", "name": "AE EMEA smb", "department": "sales"}],
        "users": [{"user_id": "ae1", "name": "Ada"}, {"user_id": "ae2", "name": "Bo"}],
        "accounts": [{"account_id": f"acc{n:02d}", "name": f"Company {n}"} for n in range(1, 44)],
        "leads": [
            {"lead_id": f"lead{n:02d}", "created_at": dt.datetime.combine(day_of(n), dt.time(9))}
            for n in range(1, 41)
        ],
        "lifecycle_events": events,
        "targets": [
            {
                "target_id": f"t{month}",
                "metric": "new_bookings",
                "period_grain": "month",
                "period_start": dt.date(2026, month, 1),
                "value": 10_000.0 * month,
            }
            for month in (7, 8, 9)
        ],
        "opportunities": deals,
        "marketing_spend": [
            {
                "spend_id": f"sp{m:02d}",
                "month": dt.date(2025 + (m + 6) // 12, (m + 6) % 12 + 1, 1),
                "amount": 1_000.0,
                "amount_base": 1_000.0,
            }
            for m in range(12)
        ],
    }


def put(ws: revhub.Workspace, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` into ``table``; lineage and the world's defaults filled in."""
    definition = get_table(table)
    key = definition.primary_key[0]
    full = [
        {
            "source": "crm",
            "source_id": str(r[key]),
            "created_at": CREATED,
            "updated_at": CREATED,
            **DEFAULTS.get(table, {}),
            **r,
        }
        for r in rows
    ]
    columns = {c: [r.get(c) for r in full] for c in sorted(set().union(*full))}
    ws.con.insert(table, definition.to_arrow(columns))


def build(
    root: Path,
    *,
    shuffle_seed: int | None = None,
    extra: dict[str, list[dict[str, Any]]] | None = None,
) -> Path:
    """Write the world (rows shuffled with ``shuffle_seed``, plus ``extra`` rows) into a
    new workspace at ``root``."""
    with revhub.init(root) as ws:
        tables = rows()
        for name, more in (extra or {}).items():
            tables[name] = [*tables.get(name, []), *more]
        for name, table_rows in tables.items():
            if shuffle_seed is not None:
                table_rows = random.Random(shuffle_seed).sample(table_rows, len(table_rows))
            put(ws, name, table_rows)
        ws.set_meta("as_of", AS_OF.isoformat())
    return root
