"""The model's view of a deal: numbers and categories derived from its point-in-time state.

``deal_features`` turns the rows of ``deal_states`` into one feature table. Every feature
is computed from the state at its cutoff, so a row means the same whether it is a
training moment a year ago or the as-of day. Features come in named groups so that a
prediction can be explained group by group (``FEATURE_GROUPS``).

Discount is not among them: ``opportunity_history`` does not version it, and the
discount the CRM holds today was often set at the very end, so using it would leak the
outcome into the past.

>>> sorted(FEATURE_GROUPS)[:3]
['activity', 'age', 'amount']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from revhub.forecast.deal_states import OPEN_STAGES
from revhub.model.vocabulary import (
    CHANNELS,
    FORECAST_CATEGORIES,
    OPPORTUNITY_TYPES,
    REGIONS,
    SEGMENTS,
)

ACTIVITY_CAP_DAYS = 181.0
OWNER_PRIOR_DEALS = 10.0  # pseudo-deals pulling a new owner's record to the company's rate

FEATURE_GROUPS: dict[str, tuple[str, ...]] = {
    "stage": ("stage_index", "crm_probability", "forecast_category"),
    "age": ("age_days", "days_in_stage"),
    "close_date": ("days_to_close", "close_date_pushes"),
    "activity": ("days_since_touch", "touches_30d", "contacts_90d"),
    "amount": ("log_amount", "amount_ratio", "amount_changes"),
    "owner": ("owner_win_rate", "owner_closed"),
    "source": ("source_channel", "has_partner"),
    "market": ("segment", "region", "opportunity_type"),
}
FEATURES = tuple(name for group in FEATURE_GROUPS.values() for name in group)
CATEGORIES: dict[str, tuple[str, ...]] = {
    "forecast_category": FORECAST_CATEGORIES,
    "source_channel": (*CHANNELS, "none"),
    "segment": (*SEGMENTS, "unknown"),
    "region": (*REGIONS, "unknown"),
    "opportunity_type": OPPORTUNITY_TYPES,
}


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    delta = pd.to_datetime(later) - pd.to_datetime(earlier)
    return delta.dt.total_seconds() / 86400.0


def deal_features(states: pd.DataFrame, company_win_rate: float) -> pd.DataFrame:
    """One row of ``FEATURES`` per state row (same index).

    ``company_win_rate`` is the prior an owner's record is smoothed toward.

    >>> import datetime as dt
    >>> state = pd.DataFrame({
    ...     "cutoff": [dt.datetime(2026, 4, 1)], "stage": ["demo"],
    ...     "forecast_category": ["pipeline"], "crm_probability": [0.4],
    ...     "amount": [1000.0], "first_amount": [800.0],
    ...     "close_date": [dt.datetime(2026, 3, 22)], "created_at": [dt.datetime(2026, 1, 1)],
    ...     "stage_entered_at": [dt.datetime(2026, 3, 1)], "close_date_pushes": [2],
    ...     "amount_changes": [1], "last_touch_at": [None], "touches_30d": [None],
    ...     "contacts_90d": [None], "owner_won": [3], "owner_closed": [10],
    ...     "source_channel": [None], "partner_id": [None], "segment": ["smb"],
    ...     "region": ["emea"], "opportunity_type": ["new_business"]})
    >>> row = deal_features(state, company_win_rate=0.25).iloc[0]
    >>> float(row.days_to_close), float(row.days_since_touch), float(row.owner_win_rate)
    (-10.0, 181.0, 0.275)
    """
    cutoff = pd.to_datetime(states["cutoff"])
    won = states["owner_won"].astype("float64").fillna(0.0)
    closed = states["owner_closed"].astype("float64").fillna(0.0)
    since_touch = _days(cutoff, states["last_touch_at"]).fillna(ACTIVITY_CAP_DAYS)
    features = pd.DataFrame(
        {
            "stage_index": states["stage"].map({s: i for i, s in enumerate(OPEN_STAGES)}),
            "crm_probability": states["crm_probability"].astype("float64"),
            "forecast_category": states["forecast_category"],
            "age_days": _days(cutoff, states["created_at"]),
            "days_in_stage": _days(cutoff, states["stage_entered_at"]),
            "days_to_close": _days(states["close_date"], cutoff.dt.normalize()),
            "close_date_pushes": states["close_date_pushes"].astype("float64"),
            "days_since_touch": since_touch.clip(upper=ACTIVITY_CAP_DAYS),
            "touches_30d": states["touches_30d"].astype("float64").fillna(0.0),
            "contacts_90d": states["contacts_90d"].astype("float64").fillna(0.0),
            "log_amount": np.log1p(states["amount"].astype("float64").clip(lower=0.0)),
            "amount_ratio": (
                states["amount"].astype("float64")
                / states["first_amount"].astype("float64").where(lambda a: a > 0)
            ).fillna(1.0),
            "amount_changes": states["amount_changes"].astype("float64"),
            "owner_win_rate": (won + OWNER_PRIOR_DEALS * company_win_rate)
            / (closed + OWNER_PRIOR_DEALS),
            "owner_closed": closed,
            "source_channel": states["source_channel"].fillna("none"),
            "has_partner": states["partner_id"].notna().astype("float64"),
            "segment": states["segment"].fillna("unknown"),
            "region": states["region"].fillna("unknown"),
            "opportunity_type": states["opportunity_type"],
        },
        index=states.index,
    )
    for name, values in CATEGORIES.items():
        features[name] = features[name].astype(pd.CategoricalDtype(list(values)))
    return features[list(FEATURES)]
