"""Planning backwards from the target: the funnel, the sales team and the budget a
bookings target needs, and the pricing evidence to set prices by.

``build_plan(ws, as_of=..., target=..., grain="quarter", periods=4, scenario=...)``
measures the funnel as it ran over the trailing year (``plan.rates``, from revhub's own
metrics), works the target back to won deals, opportunities, SQLs, MQLs and leads in
the periods they must happen in (``plan.reverse_funnel``), sets it beside the AEs the
company has (``plan.capacity``) and the marketing budget by channel
(``plan.budget``, ``plan.response``), and adds discount and price evidence
(``plan.pricing``). Only data recorded on or before ``as_of`` is used. Scenarios
(``plan.scenarios``) change rates, the target or the team and work the plan out again.

>>> parse_scenario("aes.emea=+1").extra_reps
{'emea': 1}
"""

from __future__ import annotations

from revhub.errors import PlanError, ScenarioError
from revhub.plan.build import Planner, build_plan
from revhub.plan.plan import Plan, compare
from revhub.plan.scenarios import Scenario, parse_scenario

__all__ = [
    "Plan",
    "PlanError",
    "Planner",
    "Scenario",
    "ScenarioError",
    "build_plan",
    "compare",
    "parse_scenario",
]
