"""Why the model gives a deal its probability: the feature groups that move it most.

A deal is compared with a typical deal *in the same stage*: for each feature group
(activity, close date, amount, ...) its values are replaced by the stage's typical ones
(median, or the most common category) and the deal rescored. The change is that group's
effect; the largest ones, in words and in points of probability, are the deal's reasons.
This is a one-group-at-a-time counterfactual, simpler than Shapley values and exact for
what it says ("with a typical activity level this deal would score 12 points higher").
The stage baseline explains itself by its stage and segment.

>>> describe("close_date", pd.Series({"days_to_close": -12.0, "close_date_pushes": 2.0}))
'close date 12 days past, pushed 2×'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from revhub.forecast.features import FEATURE_GROUPS

if TYPE_CHECKING:
    from revhub.forecast.win_model import WinModel

TOP = 3
MIN_EFFECT = 0.02  # effects under two points are not reasons
EXPLAINED = tuple(group for group in FEATURE_GROUPS if group != "stage")


def describe(group: str, row: pd.Series) -> str:
    """The deal's values of one feature group, in words."""
    if group == "age":
        return f"open {row.age_days:.0f} days, {row.days_in_stage:.0f} in this stage"
    if group == "close_date":
        days = row.days_to_close
        when = f"close date {-days:.0f} days past" if days < 0 else f"closes in {days:.0f} days"
        pushes = int(row.close_date_pushes)
        return f"{when}, pushed {pushes}×" if pushes else when
    if group == "activity":
        if row.days_since_touch > 180:
            return "no sales touch in 180 days"
        people = "person" if row.contacts_90d == 1 else "people"
        return (
            f"last sales touch {row.days_since_touch:.0f} days ago, "
            f"{row.touches_30d:.0f} in 30 days, {row.contacts_90d:.0f} {people} in 90 days"
        )
    if group == "amount":
        change = row.amount_ratio - 1.0
        size = f"amount {np.expm1(row.log_amount):,.0f}"
        return f"{size} ({change:+.0%} since created)" if abs(change) > 0.005 else size
    if group == "owner":
        return f"owner won {row.owner_win_rate:.0%} (smoothed) of {row.owner_closed:.0f} closed"
    if group == "source":
        partner = ", with a partner" if row.has_partner else ""
        return f"source {row.source_channel}{partner}"
    return f"{row.segment} · {row.region} · {row.opportunity_type}"


def _typical(features: pd.DataFrame) -> pd.DataFrame:
    """Per stage: each feature's median (numbers) or most common value (categories)."""
    rows = {}
    for stage, group in features.groupby("stage_index", observed=True):
        rows[stage] = {
            name: (
                group[name].mode(dropna=True).iloc[0]
                if isinstance(group[name].dtype, pd.CategoricalDtype)
                else group[name].median()
            )
            for name in features.columns
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def top_reasons(
    model: WinModel, features: pd.DataFrame, states: pd.DataFrame
) -> list[list[dict[str, object]]]:
    """Per deal, up to ``TOP`` reasons: ``{"group", "text", "effect"}``, largest first."""
    if model.classifier is None:
        return [
            [
                {
                    "group": "stage",
                    "text": f"stage {s}, {g} segment: the stage's history",
                    "effect": 0.0,
                }
            ]
            for s, g in zip(states["stage"], features["segment"], strict=True)
        ]
    base = model.win_probability(features, states)
    typical = _typical(model.training.features)
    stage_rows = features["stage_index"].to_numpy()
    effects = np.zeros((len(features), len(EXPLAINED)))
    for k, group in enumerate(EXPLAINED):
        changed = features.copy()
        for name in FEATURE_GROUPS[group]:
            reference = typical[name].reindex(stage_rows).to_numpy()
            keep = pd.isna(reference)
            values = np.where(keep, features[name].to_numpy(dtype=object), reference)
            changed[name] = pd.Series(values, index=features.index).astype(features[name].dtype)
        effects[:, k] = base - model.win_probability(changed, states)
    reasons = []
    for i in range(len(features)):
        order = np.argsort(-np.abs(effects[i]))[:TOP]
        reasons.append(
            [
                {
                    "group": EXPLAINED[k],
                    "text": describe(EXPLAINED[k], features.iloc[i]),
                    "effect": round(float(effects[i, k]), 4),
                }
                for k in order
                if abs(effects[i, k]) >= MIN_EFFECT
            ]
        )
    return reasons
