"""Customer health and what it shows: support tickets (with CSAT) and NPS answers.

Each customer account has a hidden monthly health score (an AR(1) path around an
account-level mean; company-wide outage months pull everyone down). Unhealthy accounts
open more tickets, rate support lower and answer NPS surveys as detractors. Tickets and
answers are drafted for every month; the rows are kept only for days the account was in
service (``keep`` masks), after the subscriptions are simulated, so that churn can react
to the same tickets and answers that end up in the data.

>>> spec = DemoSpec(accounts=10, months=12)
>>> health_paths(spec, 0, 3).shape
(3, 12)
"""

from __future__ import annotations

import numpy as np

from revhub.demo.spec import DemoSpec

Draft = dict[str, np.ndarray]

CATEGORIES = np.array(["bug", "how_to", "billing", "feature_request", "integration", "outage"])
_CATEGORY_WEIGHTS = np.array([0.30, 0.30, 0.12, 0.13, 0.15])
SUBJECTS = np.array(
    [
        "Error when saving a report",
        "How do I set up a new pipeline view?",
        "Question about our latest invoice",
        "Request: export dashboards to PDF",
        "Sync with our CRM stopped",
        "Application not loading",
    ],
    dtype=object,
)
PRIORITIES = np.array(["low", "normal", "high", "urgent"])
_RESPONSE_HOURS = np.array([20.0, 8.0, 3.0, 0.7])
CHANNELS = np.array(["email", "web", "chat", "phone"])
# Monthly ticket rate per segment (smb, mid_market, enterprise) for an average account.
_TICKET_RATE = np.array([0.18, 0.45, 1.2])
SURVEY_MONTHS = (3, 9)  # calendar months NPS surveys go out
COMMENTS = np.array(
    [
        "Too expensive for what we actually use.",
        "Support takes too long to answer.",
        "Works, but the reporting is limited.",
        "Does the job.",
        "Our team relies on it every day.",
        "Best tool in our stack, recommended it to peers.",
    ],
    dtype=object,
)


def month_starts(spec: DemoSpec, extra: int = 1) -> np.ndarray:
    """First day of each month of the history (plus ``extra`` months after it).

    >>> str(month_starts(DemoSpec(accounts=1, months=12), extra=0)[0])
    '2025-11-01'
    """
    first = spec.start.astype("datetime64[M]")
    starts: np.ndarray = (first + np.arange(spec.months + extra)).astype("datetime64[D]")
    return starts


def outage_months(spec: DemoSpec) -> np.ndarray:
    """Company-wide outage months (boolean per month): the same for every chunk.

    >>> int(outage_months(DemoSpec(accounts=1, months=12)).sum())
    2
    """
    rng = spec.rng("outages")
    flags = np.zeros(spec.months, dtype=bool)
    flags[rng.choice(np.arange(1, spec.months), size=min(2, spec.months - 1), replace=False)] = True
    return flags


def health_paths(spec: DemoSpec, chunk: int, accounts: int) -> np.ndarray:
    """Hidden health per customer account and month (float32, about N(0, 1)).

    >>> health_paths(DemoSpec(accounts=1, months=12), 0, 2).dtype
    dtype('float32')
    """
    rng = spec.rng("health", chunk)
    base = rng.normal(0.1, 0.75, accounts).astype(np.float32)
    shocks = rng.normal(0.0, 0.4, (accounts, spec.months)).astype(np.float32)
    path = np.empty_like(shocks)
    level = np.zeros(accounts, dtype=np.float32)
    for m in range(spec.months):
        level = 0.75 * level + shocks[:, m]
        path[:, m] = level
    dip = (0.5 * outage_months(spec)).astype(np.float32)
    health: np.ndarray = base[:, None] + path - dip[None, :]
    return health


def draft_tickets(spec: DemoSpec, chunk: int, segment: np.ndarray, health: np.ndarray) -> Draft:
    """Tickets every customer account would open in every month (before filtering).

    >>> spec = DemoSpec(accounts=1, months=12)
    >>> draft = draft_tickets(spec, 0, np.array([2]), np.zeros((1, 12), np.float32))
    >>> bool((draft["month"] < 12).all())
    True
    """
    rng = spec.rng("tickets", chunk)
    outage = outage_months(spec)
    rate = _TICKET_RATE[segment][:, None] * np.exp(-0.5 * health) + 0.7 * outage[None, :]
    counts = rng.poisson(rate)
    cell = np.repeat(np.arange(counts.size), counts.ravel())
    acc, month = np.divmod(cell, spec.months)
    n = len(cell)
    starts = month_starts(spec)
    length = (starts[month + 1] - starts[month]).astype(int)
    day = starts[month] + (rng.random(n) * length).astype("timedelta64[D]")
    opened = day.astype("datetime64[s]") + (7 * 3600 + rng.integers(0, 12 * 3600, n)).astype(
        "timedelta64[s]"
    )
    is_outage = outage[month] & (rng.random(n) < 0.6)
    category = np.where(is_outage, 5, rng.choice(5, n, p=_CATEGORY_WEIGHTS))
    priority = np.where(
        is_outage, 3 - (rng.random(n) < 0.5), rng.choice(4, n, p=[0.25, 0.5, 0.2, 0.05])
    )
    h = health[acc, month]
    wait = rng.exponential(_RESPONSE_HOURS[priority] * (1 + 2 * is_outage) * 3600.0)
    first_response = opened + wait.astype("timedelta64[s]")
    work = rng.exponential(30.0 * 3600 * np.where(np.isin(category, (0, 4)), 2.0, 1.0))
    solved = first_response + work.astype("timedelta64[s]")
    csat = np.clip(
        np.round(
            4.1 + 0.7 * h + rng.normal(0, 0.9, n) - 1.2 * is_outage - 0.5 * (work > 72 * 3600)
        ),
        1,
        5,
    )
    rated = rng.random(n) < 0.45
    return {
        "acc": acc,
        "month": month,
        "opened_at": opened,
        "first_response_at": first_response,
        "solved_at": solved,
        "category": category,
        "priority": priority,
        "csat": np.where(rated, csat, 0).astype(np.int64),  # 0 = not rated
        "channel": rng.choice(4, n, p=[0.4, 0.3, 0.2, 0.1]),
        "pick": rng.random(n),
    }


def ticket_pain(draft: Draft, accounts: int, months: int) -> np.ndarray:
    """Bad support experiences (CSAT ≤ 2 or urgent) per account over the last 3 months.

    >>> d = {"acc": np.array([0]), "month": np.array([0]), "csat": np.array([1]),
    ...      "priority": np.array([1])}
    >>> ticket_pain(d, 1, 4).tolist()
    [[1.0, 1.0, 1.0, 0.0]]
    """
    bad = ((draft["csat"] > 0) & (draft["csat"] <= 2)) | (draft["priority"] == 3)
    low = np.zeros((accounts, months), dtype=np.float32)
    np.add.at(low, (draft["acc"][bad], draft["month"][bad]), 1.0)
    pain = low.copy()
    pain[:, 1:] += low[:, :-1]
    pain[:, 2:] += low[:, :-2]
    return pain


def draft_nps(spec: DemoSpec, chunk: int, contact_acc: np.ndarray, health: np.ndarray) -> Draft:
    """NPS answers of a share of each customer's contacts in every survey month.

    >>> spec = DemoSpec(accounts=1, months=12)
    >>> bool((draft_nps(spec, 0, np.zeros(50, int), np.zeros((1, 12)))["score"] <= 10).all())
    True
    """
    rng = spec.rng("nps", chunk)
    starts = month_starts(spec)
    calendar = starts[:-1].astype("datetime64[M]").astype(int) % 12 + 1
    survey = np.flatnonzero(np.isin(calendar, SURVEY_MONTHS))
    asked = rng.random((len(survey), len(contact_acc))) < 0.3
    s_index, contact = np.nonzero(asked)
    month = survey[s_index]
    acc = contact_acc[contact]
    n = len(contact)
    score = np.clip(np.round(7.8 + 1.5 * health[acc, month] + rng.normal(0, 1.6, n)), 0, 10)
    answered = starts[month].astype("datetime64[s]") + (rng.integers(0, 20 * 86400, n)).astype(
        "timedelta64[s]"
    )
    comment = np.clip((score / 10 * 5 + rng.normal(0, 0.7, n)).round(), 0, 5).astype(np.int64)
    return {
        "acc": acc,
        "month": month,
        "contact": contact,
        "responded_at": answered,
        "score": score.astype(np.int64),
        "comment": np.where(rng.random(n) < 0.3, comment, -1),
    }


def detractor_months(draft: Draft, accounts: int, months: int) -> np.ndarray:
    """Whether the account's latest survey (within 6 months) averaged 6 or less.

    >>> d = {"acc": np.array([0]), "month": np.array([1]), "score": np.array([3])}
    >>> detractor_months(d, 1, 9)[0].astype(int).tolist()
    [0, 1, 1, 1, 1, 1, 1, 0, 0]
    """
    total = np.zeros((accounts, months), dtype=np.float32)
    count = np.zeros((accounts, months), dtype=np.float32)
    np.add.at(total, (draft["acc"], draft["month"]), draft["score"])
    np.add.at(count, (draft["acc"], draft["month"]), 1.0)
    flag = np.zeros((accounts, months), dtype=bool)
    current = np.zeros(accounts, dtype=bool)
    age = np.full(accounts, 99)
    for m in range(months):
        surveyed = count[:, m] > 0
        current = np.where(surveyed, total[:, m] <= 6 * count[:, m], current)
        age = np.where(surveyed, 0, age + 1)
        flag[:, m] = current & (age < 6)
    return flag
