"""Forecasting: deal-level win and timing models, the bookings forecast as a distribution,
stored snapshots, movement between them, and backtests against naive baselines.

``ws.forecast`` (``revhub.forecast.service.Forecasts``) is the door; the modules are:
``deal_states`` (deals as they stood, rebuilt from history), ``features``,
``win_model``, ``timing``, ``reasons``, ``deal_models``, ``new_pipeline`` (deals still to
come), ``shared_shock`` and ``monte_carlo``, ``bookings`` (the forecast), ``calls`` (the
managers' calls), ``snapshots``, ``movement``, ``baselines``, ``backtest`` and
``timeseries``/``rollup`` (statsforecast cross-checks).
"""

from revhub.forecast.service import ForecastRun, Forecasts

__all__ = ["ForecastRun", "Forecasts"]
