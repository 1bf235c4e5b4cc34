"""Sales progress metrics: how open new-business deals move through the stages, and how
their close dates slip.

Both come from the deals' recorded history (``catalogue.deal_history``):

- **stage history**: stretches in a stage, each counted in the period it ended (stage
  conversion, time in stage). A stretch ends when the stage changes, not when only the
  amount or close date does. The stages do not add up, so these metrics are always
  sliced by ``stage``;
- **slips**: close dates pushed out of the period they were in, counted in that period.
"""

from __future__ import annotations

from functools import partial

import ibis

from revhub.metrics.catalogue.deal_history import slip_facts, stage_rank, stage_spells
from revhub.metrics.catalogue.deals import DEAL_DIMENSIONS
from revhub.metrics.core import Count, Grain, Median, Metric, Ratio, Sum
from revhub.metrics.frame import Frame

ANY_GRAIN: tuple[Grain, ...] = ("day", "week", "month", "quarter", "year")
DEFAULT_DIMENSIONS = ("segment", "region")
STAGE_DIMENSIONS = ("stage", *DEAL_DIMENSIONS)


def stage_exits(frame: Frame) -> ibis.Table:
    """Stretches in an open stage that ended in range, each in the period it ended:
    ``advanced`` (1 when the deal moved to a later stage or was won) and ``days``."""
    spells = stage_spells(frame)
    ended = frame.events(spells.filter(spells.left_at.notnull()), "left_at")
    forward = (stage_rank(ended.next_stage) > stage_rank(ended.stage)) & (
        ended.next_stage != "closed_lost"
    )
    seconds = ended.left_at.epoch_seconds() - ended.entered_at.epoch_seconds()
    return ended.mutate(
        advanced=forward.fill_null(False).cast("int64"),
        days=seconds.cast("float64") / 86400.0,
    )


def slipped(frame: Frame) -> ibis.Table:
    """Deals whose close date was pushed out of the period (see ``deal_history.slip_facts``)."""
    slips = slip_facts(frame)
    return slips.mutate(amount=slips.amount.fill_null(0.0))


_sales = partial(
    Metric,
    department="sales",
    indicator="leading",
    grains=ANY_GRAIN,
    dimensions=DEAL_DIMENSIONS,
    default_dimensions=DEFAULT_DIMENSIONS,
)

_HISTORY = (
    "New-business deals only, from their recorded history (opportunity_history); a "
    "stretch in a stage ends when the stage changes, not when only the amount or close "
    "date does.",
)

METRICS = (
    _sales(
        "stage_conversion",
        description="Share of the new-business deals leaving a stage in the period that "
        "moved forward.",
        formula="Stretches in the stage that ended in the period by moving to a later stage "
        "or closed_won ÷ all stretches in the stage that ended in the period.",
        unit="ratio",
        direction="higher",
        indicator="leading",
        dimensions=STAGE_DIMENSIONS,
        default_dimensions=("stage",),
        always_by=("stage",),
        measure=Ratio(Sum("advanced"), Count()),
        facts=stage_exits,
        edge_cases=(
            *_HISTORY,
            "Always by `stage` (the stage left); moving back or to closed_lost is not "
            "moving forward; skipping stages is.",
            "Deals still in the stage do not count until they leave it.",
        ),
    ),
    _sales(
        "time_in_stage",
        description="Median days a new-business deal spent in a stage before leaving it.",
        formula="Median of (left − entered) in days over stretches in the stage that "
        "ended in the period.",
        unit="days",
        direction="lower",
        indicator="leading",
        dimensions=STAGE_DIMENSIONS,
        default_dimensions=("stage",),
        always_by=("stage",),
        measure=Median("days"),
        facts=stage_exits,
        edge_cases=(
            *_HISTORY,
            "Always by `stage`; deals still in a stage are not counted until they leave it.",
        ),
    ),
    _sales(
        "slipped_deals",
        description="Open new-business deals whose close date was pushed past the end of "
        "the period it was in.",
        formula="Count of deals with a recorded change moving the close date from inside "
        "the period to after it, once per deal and period.",
        unit="count",
        direction="lower",
        indicator="leading",
        measure=Count(),
        facts=slipped,
        edge_cases=(
            "Counted in the period of the old close date, whenever the change was made "
            "(up to the as-of date).",
            "New-business deals that were open before the change; closing a deal late "
            "counts as a slip.",
        ),
    ),
    _sales(
        "slipped_pipeline",
        description="Value of the open new-business deals whose close date was pushed past "
        "the end of the period it was in.",
        formula="Sum of amount before the change over the slipped deals, once per deal and period.",
        unit="money",
        direction="lower",
        indicator="leading",
        measure=Sum("amount"),
        facts=slipped,
        edge_cases=("Same deals as slipped_deals; the amount before the first slip.",),
    ),
)
