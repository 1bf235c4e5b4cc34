"""The demo company's go-to-market organisation: teams, territories, users, partners, campaigns.

Headcount grows with the number of accounts (about 60 people at 5,000 accounts, a few
thousand at a million). Every seller has a hidden skill that the simulation uses for
conversion, speed and discounting; it is returned as the side table ``_skill``.

>>> import datetime as dt
>>> org = build_org(DemoSpec(accounts=5000, months=24, as_of=dt.date(2026, 1, 1)))
>>> 40 <= org["users"].num_rows <= 80
True
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from revhub.demo.gtm.arrays import nullable
from revhub.demo.gtm.names import company_names, emails, people, salesforce_ids
from revhub.demo.gtm.seasons import demand_weights, month_starts
from revhub.demo.market import CHANNELS, REGIONS, SEGMENTS
from revhub.demo.spec import DemoSpec, make_ids
from revhub.model import get_table

EXPECTED_LEADS_PER_ACCOUNT = 2.0
SEGMENT_WORKLOAD = {"smb": 0.45, "mid_market": 0.35, "enterprise": 0.20}
AE_QUOTA = {"smb": 360_000.0, "mid_market": 720_000.0, "enterprise": 1_200_000.0}
AE_RAMP = {"smb": 3, "mid_market": 4, "enterprise": 6}
SDR_QUOTA = 240_000.0
CAMPAIGNS_PER_QUARTER = {"paid_search": 2, "paid_social": 2, "webinar": 2}  # others: 1
SELLER_ROLES = ("sdr", "ae", "csm")
HEADED_ROLES = ("marketer", "partner_manager", "finance", "support_agent")
_COMPANY_DOMAIN = "revhub-demo.com"


def headcount_factor(spec: DemoSpec) -> float:
    """How much bigger than the 5,000-account company the org is (sub-linear)."""
    return float((spec.accounts / 5000) ** 0.75)


Territory = tuple[str, str, str, str]  # (territory_id, region, segment, owning team)


def _teams() -> tuple[list[dict[str, str | None]], list[Territory]]:
    rows: list[dict[str, str | None]] = []

    def add(team_id: str, name: str, dept: str, parent: str | None = None, **kw: str) -> None:
        rows.append(
            {"team_id": team_id, "name": name, "department": dept, "parent_team_id": parent, **kw}
        )

    add("team_revenue", "Revenue leadership", "sales")
    for dept, name in (
        ("marketing", "Marketing"),
        ("partners", "Partnerships"),
        ("finance", "Finance"),
        ("revops", "Revenue Operations"),
        ("support", "Support"),
        ("customer_success", "Customer Success"),
    ):
        add(f"team_{dept}", name, dept, "team_revenue")
    add("team_sales", "Sales", "sales", "team_revenue")
    add("team_sdr", "Sales Development", "sales", "team_revenue")
    territories: list[Territory] = []
    for region in REGIONS:
        label = region.replace("_", " ").title()
        add(f"team_sales_{region}", f"Sales {label}", "sales", "team_sales", region=region)
        add(f"team_sdr_{region}", f"SDR {label}", "sales", "team_sdr", region=region)
        add(
            f"team_cs_{region}",
            f"CS {label}",
            "customer_success",
            "team_customer_success",
            region=region,
        )
        for segment in SEGMENTS:
            team = f"team_ae_{region}_{segment}"
            add(
                team,
                f"AE {label} {segment.replace('_', '-')}",
                "sales",
                f"team_sales_{region}",
                region=region,
                segment=segment,
            )
            territories.append((f"ter_{region}_{segment}", region, segment, team))
    return rows, territories


def _roster(spec: DemoSpec) -> list[tuple[str, str, str | None, str | None, str | None, int]]:
    """(team, role, region, segment, manager team, count) for every group of people."""
    f = headcount_factor(spec)
    share = {r: REGIONS[r].account_share for r in REGIONS}
    ae_total = max(12.0, 18 * f)
    out: list[tuple[str, str, str | None, str | None, str | None, int]] = [
        ("team_revenue", "cro", None, None, None, 1),
        ("team_marketing", "marketer", None, None, "team_revenue", max(2, round(5 * f))),
        ("team_marketing", "marketing_ops", None, None, "team_marketing", max(1, round(f))),
        ("team_sales", "sales_manager", None, None, "team_revenue", 1),
        ("team_sdr", "sales_manager", None, None, "team_revenue", 1),
        ("team_customer_success", "cs_manager", None, None, "team_revenue", 1),
        ("team_customer_success", "cs_ops", None, None, "team_customer_success", 1),
        ("team_partners", "partner_manager", None, None, "team_revenue", max(1, round(2 * f))),
        ("team_partners", "partner_ops", None, None, "team_partners", 1),
        ("team_finance", "finance", None, None, "team_revenue", max(1, round(2 * f))),
        ("team_revops", "revops_manager", None, None, "team_revenue", 1),
        ("team_revops", "revenue_analyst", None, None, "team_revops", max(1, round(f))),
        ("team_support", "support_agent", None, None, "team_revenue", max(2, round(6 * f))),
    ]
    for region in REGIONS:
        out.append((f"team_sales_{region}", "sales_manager", region, None, "team_sales", 1))
        out.append(
            (
                f"team_sdr_{region}",
                "sdr",
                region,
                None,
                "team_sdr",
                max(1, round(8 * f * share[region])),
            )
        )
        out.append(
            (
                f"team_cs_{region}",
                "csm",
                region,
                None,
                "team_customer_success",
                max(1, round(6 * f * share[region])),
            )
        )
        for segment in SEGMENTS:
            n = ae_total * share[region] * SEGMENT_WORKLOAD[segment]
            out.append(
                (
                    f"team_ae_{region}_{segment}",
                    "ae",
                    region,
                    segment,
                    f"team_sales_{region}",
                    max(1, round(n)),
                )
            )
    return out


def _users(spec: DemoSpec) -> tuple[pa.Table, pa.Table]:
    rng = spec.rng("org_users")
    groups = _roster(spec)
    team = np.concatenate([np.full(g[5], g[0], object) for g in groups])
    role = np.concatenate([np.full(g[5], g[1], object) for g in groups])
    region = np.concatenate([np.full(g[5], g[2], object) for g in groups])
    segment = np.concatenate([np.full(g[5], g[3], object) for g in groups])
    boss_team = np.concatenate([np.full(g[5], g[4], object) for g in groups])
    first_of_group = np.concatenate([np.arange(g[5]) == 0 for g in groups])
    n = len(team)
    ids = make_ids("usr", 0, n)
    head_of: dict[str, str] = {}  # first person of a team's first group leads the team
    for i in np.flatnonzero(first_of_group):
        head_of.setdefault(str(team[i]), str(ids[i]))
    own_head = np.array([head_of[t] for t in team], dtype=object)
    boss = np.array([head_of.get(str(b)) for b in boss_team], dtype=object)
    follows_head = np.isin(role, HEADED_ROLES) & ~first_of_group
    manager = np.where(follows_head, own_head, boss)
    veteran = first_of_group | (rng.random(n) < 0.4)
    before = spec.start - rng.integers(30, 1100, n)
    during = spec.start + (np.sqrt(rng.random(n)) * (spec.days - 20)).astype(int)
    hire = np.where(veteran, before, during).astype("datetime64[D]")
    leaves = ~first_of_group & (rng.random(n) < 0.18)
    term = hire + rng.integers(120, 900, n)
    leaves &= (term < spec.end - 1) & (term > spec.start + 30)
    termination = np.where(leaves, term, np.datetime64("NaT")).astype("datetime64[D]")
    is_seller = np.isin(role, SELLER_ROLES)
    skill = np.where(is_seller, np.clip(rng.lognormal(0.0, 0.25, n), 0.5, 1.8), 1.0)
    quota = np.full(n, np.nan)
    ramp = np.full(n, -1)
    for seg, value in AE_QUOTA.items():
        quota[(role == "ae") & (segment == seg)] = value
        ramp[(role == "ae") & (segment == seg)] = AE_RAMP[seg]
    quota[role == "sdr"] = SDR_QUOTA
    ramp[(role == "sdr") | (role == "csm")] = 2
    territory = np.where(
        role == "ae", "ter_" + region.astype(str) + "_" + segment.astype(str), None
    )
    first, last = people(rng, n)
    email = unique_emails(
        emails(first, last, np.full(n, _COMPANY_DOMAIN, object), np.zeros(n, int))
    )
    hired_at = hire.astype("datetime64[s]") + np.timedelta64(9, "h")
    left_at = np.where(leaves, termination, hire).astype("datetime64[s]") + np.timedelta64(17, "h")
    users = get_table("users").to_arrow(
        {
            "user_id": ids,
            "name": first + " " + last,
            "email": email,
            "team_id": team,
            "role": role,
            "manager_id": manager,
            "region": region,
            "segment": segment,
            "territory_id": territory,
            "hire_date": hire,
            "termination_date": termination,
            "ramp_months": pa.array(ramp, mask=ramp < 0),
            "currency": np.full(n, "USD"),
            "fx_rate": np.ones(n),
            "annual_quota": nullable(quota),
            "annual_quota_base": nullable(quota),
            "is_active": ~leaves,
            "source": np.full(n, "salesforce"),
            "source_id": salesforce_ids("005", np.arange(1, n + 1)),
            "created_at": hired_at,
            "updated_at": np.maximum(hired_at, left_at),
        }
    )
    return users, pa.table({"user_id": ids, "skill": skill})


def unique_emails(addresses: np.ndarray) -> np.ndarray:
    """Give every repeat of an address a number, as a company does for a second namesake.

    >>> list(unique_emails(np.array(["a.b@x.com", "c@x.com", "a.b@x.com", "a.b@x.com"], object)))
    ['a.b@x.com', 'c@x.com', 'a.b2@x.com', 'a.b3@x.com']
    """
    taken = {str(a).lower() for a in addresses}
    seen: set[str] = set()
    out = np.empty(len(addresses), dtype=object)
    for i, address in enumerate(addresses):
        text = str(address)
        if text.lower() in seen:
            local, _, domain = text.partition("@")
            k = 2
            while f"{local}{k}@{domain}".lower() in taken:
                k += 1
            text = f"{local}{k}@{domain}"
            taken.add(text.lower())
        seen.add(text.lower())
        out[i] = text
    return out


def _territories(territories: list[Territory]) -> pa.Table:
    n = len(territories)
    keys, region, segment, team = (list(c) for c in zip(*territories, strict=True))
    names = [f"{r.replace('_', ' ').title()} {s.replace('_', '-')}" for _, r, s, _ in territories]
    return get_table("territories").to_arrow(
        {
            "territory_id": keys,
            "name": names,
            "region": region,
            "segment": segment,
            "team_id": team,
            "source": ["salesforce"] * n,
            "source_id": salesforce_ids("0MI", np.arange(1, n + 1)),
        }
        | _stamps(n)
    )


def _stamps(n: int, day: str = "2015-01-05") -> dict[str, np.ndarray]:
    at = np.full(n, np.datetime64(f"{day}T09:00:00", "s"))
    return {"created_at": at, "updated_at": at}


def _partners(spec: DemoSpec, users: pa.Table) -> pa.Table:
    rng = spec.rng("org_partners")
    n = max(4, round(15 * headcount_factor(spec)))
    kinds = np.array(["reseller", "referral", "technology", "agency"], dtype=object)
    kind = kinds[rng.choice(4, n, p=[0.3, 0.35, 0.2, 0.15])]
    commission = {"reseller": 0.20, "referral": 0.10, "technology": 0.05, "agency": 0.15}
    region = np.array(list(REGIONS), dtype=object)[
        rng.choice(len(REGIONS), n, p=[r.account_share for r in REGIONS.values()])
    ]
    role = users.column("role").to_numpy(zero_copy_only=False)
    managers = users.column("user_id").to_numpy(zero_copy_only=False)[role == "partner_manager"]
    joined = np.where(
        rng.random(n) < 0.6,
        spec.start - rng.integers(30, 900, n),
        spec.start + rng.integers(0, max(1, spec.days - 30), n),
    ).astype("datetime64[D]")
    names, _ = company_names(np.arange(n) + 5_000_000, spec.seed)
    at = joined.astype("datetime64[s]") + np.timedelta64(10, "h")
    return get_table("partners").to_arrow(
        {
            "partner_id": make_ids("ptn", 0, n),
            "name": names,
            "partner_type": kind,
            "tier": np.array(["registered", "silver", "gold"], object)[
                rng.choice(3, n, p=[0.5, 0.35, 0.15])
            ],
            "region": region,
            "partner_manager_id": managers[np.arange(n) % len(managers)],
            "joined_date": joined,
            "commission_rate": np.array([commission[k] for k in kind]),
            "source": np.full(n, "salesforce"),
            "source_id": salesforce_ids("001", np.arange(n) + 90_000_001),
            "created_at": at,
            "updated_at": at,
        }
    )


def _campaigns(spec: DemoSpec, users: pa.Table) -> pa.Table:
    rng = spec.rng("org_campaigns")
    months = month_starts(spec)
    weight = demand_weights(spec)
    quarter = months.astype("datetime64[M]").astype(int) // 3
    scale = max(1, round(headcount_factor(spec) ** 0.5))
    role = users.column("role").to_numpy(zero_copy_only=False)
    owners = users.column("user_id").to_numpy(zero_copy_only=False)[role == "marketer"]
    rows: dict[str, list[object]] = {k: [] for k in ("channel", "type", "q", "k", "share")}
    for name, channel in CHANNELS.items():
        if channel.campaign_type is None:
            continue
        count = CAMPAIGNS_PER_QUARTER.get(name, 1) * scale
        for q in np.unique(quarter):
            for k in range(count):
                for key, value in zip(
                    rows,
                    (name, channel.campaign_type, q, k, weight[quarter == q].sum() / count),
                    strict=True,
                ):
                    rows[key].append(value)
    n = len(rows["channel"])
    channel_arr = np.array(rows["channel"], dtype=object)
    q = np.array(rows["q"], dtype=np.int64)
    q_start = np.datetime64("1970-01", "M") + 3 * q
    start = np.maximum(q_start.astype("datetime64[D]"), spec.start)
    q_end = (q_start + 3).astype("datetime64[D]") - 1
    end = np.where(q_end < spec.end, q_end, np.datetime64("NaT")).astype("datetime64[D]")
    year, qn = 1970 + q // 4, q % 4 + 1
    label = year.astype(str).astype(object) + "q" + qn.astype(str).astype(object)
    utm = label + "_" + channel_arr + "_" + np.array(rows["k"]).astype(str).astype(object)
    cpl = np.array([CHANNELS[c].cost_per_lead for c in channel_arr])
    lead_share = np.array([CHANNELS[c].lead_share for c in channel_arr])
    leads = spec.accounts * EXPECTED_LEADS_PER_ACCOUNT * lead_share * np.array(rows["share"])
    budget = np.round(leads * cpl * rng.uniform(0.9, 1.25, n), -2)
    pretty = np.char.title(np.char.replace(channel_arr.astype(str), "_", " ")).astype(object)
    created = start.astype("datetime64[s]") - np.timedelta64(7 * 86400 - 36000, "s")
    touched = np.where(np.isnat(end), start, end).astype("datetime64[s]") + np.timedelta64(
        36000, "s"
    )
    return get_table("campaigns").to_arrow(
        {
            "campaign_id": make_ids("cmp", 0, n),
            "name": pretty
            + " "
            + label
            + " #"
            + (np.array(rows["k"]) + 1).astype(str).astype(object),
            "campaign_type": np.array(rows["type"], dtype=object),
            "channel": channel_arr,
            "start_date": start,
            "end_date": end,
            "owner_id": owners[rng.integers(0, len(owners), n)],
            "utm_campaign": utm,
            "currency": np.full(n, "USD"),
            "fx_rate": np.ones(n),
            "budget": budget,
            "budget_base": budget,
            "source": np.full(n, "hubspot"),
            "source_id": (np.arange(n) + 41_000_000).astype(str).astype(object),
            "created_at": created,
            "updated_at": np.maximum(created, touched),
        }
    )


def build_org(spec: DemoSpec) -> dict[str, pa.Table]:
    """Teams, territories, users (with the hidden ``_skill``), partners and campaigns.

    >>> import datetime as dt
    >>> sorted(build_org(DemoSpec(accounts=300, months=12, as_of=dt.date(2026, 1, 1))))[:3]
    ['_skill', 'campaigns', 'partners']
    """
    team_rows, territories = _teams()
    n = len(team_rows)
    teams = get_table("teams").to_arrow(
        {
            **{
                k: [r.get(k) for r in team_rows]
                for k in ("team_id", "name", "department", "parent_team_id", "region", "segment")
            },
            "source": ["salesforce"] * n,
            "source_id": salesforce_ids("00E", np.arange(1, n + 1)),
        }
        | _stamps(n)
    )
    users, skill = _users(spec)
    return {
        "teams": teams,
        "territories": _territories(territories),
        "users": users,
        "partners": _partners(spec, users),
        "campaigns": _campaigns(spec, users),
        "_skill": skill,
    }
