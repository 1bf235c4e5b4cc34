"""Leakage: a forecast as of a day is the same whatever was recorded after that day."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from pandas.testing import assert_frame_equal

import revhub
from revhub.forecast.bookings import forecast_bookings

AS_OF = dt.date(2026, 3, 2)
LATER = "TIMESTAMP '2026-03-02 00:00:00'"


def forecast_frames(ws: revhub.Workspace) -> tuple[pd.DataFrame, pd.DataFrame]:
    forecast = forecast_bookings(ws, AS_OF, periods=2, draws=400, seed=3)
    deals = forecast.deals.drop(columns=["reasons"]).sort_values("opportunity_id")
    return forecast.totals, deals.reset_index(drop=True)


def rewrite_the_future(ws: revhub.Workspace) -> None:
    """Change or delete everything recorded on or after the as-of day."""
    sql = ws.con.raw_sql
    # later versions of deals: gone; the versions known then get a different valid_to
    sql(f"DELETE FROM opportunity_history WHERE valid_from >= {LATER}")
    sql(
        f"UPDATE opportunity_history SET valid_to = {LATER} + INTERVAL 3 DAY "
        "WHERE valid_to IS NOT NULL"
    )
    # deals created later: gone
    sql("DELETE FROM opportunities WHERE created_date >= DATE '2026-03-02'")
    # today's view of every deal (stage, amount, outcome, dates): scrambled
    sql(
        "UPDATE opportunities SET stage = 'closed_lost', is_closed = true, is_won = false, "
        "amount = amount * 7, amount_base = amount_base * 7, probability = 0.99, "
        "forecast_category = 'omitted', close_date = DATE '2030-01-01', "
        "closed_date = DATE '2030-01-01', discount = 0.5, last_activity_at = NULL"
    )
    # later sales touches: gone; later marketing touches on them too
    sql(f"DELETE FROM touchpoints WHERE occurred_at >= {LATER}")


def test_changing_what_came_after_the_as_of_day_changes_nothing(
    writable_demo: revhub.Workspace,
) -> None:
    totals, deals = forecast_frames(writable_demo)
    assert len(deals) > 20
    assert totals["mean"].sum() > 0
    rewrite_the_future(writable_demo)
    totals_after, deals_after = forecast_frames(writable_demo)
    assert_frame_equal(deals, deals_after)
    assert_frame_equal(totals, totals_after)


def test_the_future_does_change_a_later_forecast(writable_demo: revhub.Workspace) -> None:
    """The same edits do move a forecast made after them: the test above can fail."""
    later = dt.date(2026, 6, 1)
    before = forecast_bookings(writable_demo, later, periods=1, draws=200, seed=3).totals
    rewrite_the_future(writable_demo)
    after = forecast_bookings(writable_demo, later, periods=1, draws=200, seed=3).totals
    assert not before["mean"].equals(after["mean"])
