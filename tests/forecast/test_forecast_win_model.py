"""The win model between the horizons it learnt, and the deals it learns from.

The model is trained at a few horizons (2, 7, 14, 30, 61 … 365 days); a period ends at
any day. Between two learnt horizons the chance is interpolated, so a quarter's last 23
days are not scored as 30 (which ran the quarter in progress about 30% high).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import revhub
from revhub.forecast.deal_models import DealModels, fit_deal_models, training_sample
from revhub.forecast.features import FEATURES, deal_features
from revhub.forecast.win_model import HORIZON

AS_OF = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def fitted(
    loaded_demo_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[DealModels, pd.DataFrame]:
    copy = tmp_path_factory.mktemp("win-model") / "ws"
    shutil.copytree(loaded_demo_dir, copy)
    with revhub.open(copy) as ws:
        models, open_deals = fit_deal_models(ws, AS_OF)
    assert models.win.method == "gradient_boosting"
    return models, deal_features(open_deals, models.company_win_rate)


def raw(models: DealModels, features: pd.DataFrame, days: float) -> np.ndarray:
    frame = features[list(FEATURES)].copy()
    frame[HORIZON] = days
    assert models.win.classifier is not None
    return np.asarray(models.win.classifier.predict_proba(frame)[:, 1])


def test_at_a_learnt_horizon_the_chance_is_the_models(
    fitted: tuple[DealModels, pd.DataFrame],
) -> None:
    models, features = fitted
    for days in (7, 30, 365):
        assert np.allclose(models.win.won_within(features, days), raw(models, features, days))


def test_between_two_horizons_it_is_interpolated_linearly_in_days(
    fitted: tuple[DealModels, pd.DataFrame],
) -> None:
    models, features = fitted
    at_30, at_61 = raw(models, features, 30), raw(models, features, 61)
    middle = models.win.won_within(features, 45.5)
    assert np.allclose(middle, (at_30 + at_61) / 2)
    assert np.allclose(models.win.won_within(features, 1.0), raw(models, features, 2) / 2)
    assert np.allclose(models.win.won_within(features, 0.0), 0.0)
    assert np.allclose(models.win.won_within(features, 500.0), raw(models, features, 365))
    # the old reading (nearest learnt horizon) would give 30 days' chance at 45 days
    assert not np.allclose(middle, at_30)


def test_the_chance_never_falls_as_the_window_grows(
    fitted: tuple[DealModels, pd.DataFrame],
) -> None:
    models, features = fitted
    days = np.arange(0, 400, 3, dtype="float64")
    chances = np.array([models.win.won_within(features, d) for d in days])
    assert (np.diff(chances, axis=0) >= -1e-12).all()
    per_row = models.win.won_within(features.iloc[:5], days[[10, 20, 30, 40, 50]])
    assert np.allclose(per_row, chances[[10, 20, 30, 40, 50], np.arange(5)])


@given(
    ids=st.lists(st.sampled_from([f"d{k}" for k in range(40)]), min_size=1, max_size=120),
    limit=st.integers(1, 50),
    seed=st.integers(0, 1000),
)
def test_the_training_sample_keeps_whole_deals_whatever_the_row_order(
    ids: list[str], limit: int, seed: int
) -> None:
    deals = pd.Series(ids)
    kept = training_sample(deals, limit=limit)
    assert deals[kept].nunique() == min(limit, deals.nunique())
    assert set(deals[kept]).isdisjoint(set(deals[~kept]))  # a deal is all in or all out
    shuffled = deals.sample(frac=1.0, random_state=seed)
    assert set(shuffled[training_sample(shuffled, limit=limit)]) == set(deals[kept])
