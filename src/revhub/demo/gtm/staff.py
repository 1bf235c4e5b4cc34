"""The organisation as arrays for the simulation: who can be assigned, and how good they are.

A seller's effective skill is their hidden skill, reduced while they ramp up: a new
hire starts at 60% and reaches full skill after ``ramp_months``.

>>> import datetime as dt
>>> from revhub.demo.gtm.org import build_org
>>> from revhub.demo.spec import DemoSpec
>>> spec = DemoSpec(accounts=300, months=12, as_of=dt.date(2026, 1, 1))
>>> staff = Staff.from_org(build_org(spec))
>>> bool(staff.pools["ter_emea_smb"].size >= 1)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from revhub.demo.gtm.arrays import column, pick_active

FAR_FUTURE = np.datetime64("2200-01-01", "D")


@dataclass(frozen=True)
class Staff:
    """Users as arrays plus assignment pools (territory AEs, regional SDRs and CSMs)."""

    ids: np.ndarray
    hire: np.ndarray  # datetime64[D]
    leave: np.ndarray  # datetime64[D], FAR_FUTURE if still employed
    skill: np.ndarray
    ramp: np.ndarray
    pools: dict[str, np.ndarray]  # "ter_<region>_<segment>", "sdr_<region>", "csm_<region>"

    @classmethod
    def from_org(cls, org: dict[str, pa.Table]) -> Staff:
        users = org["users"]
        ids = column(users, "user_id")
        role, team = column(users, "role"), column(users, "team_id")
        skill_of = dict(
            zip(column(org["_skill"], "user_id"), column(org["_skill"], "skill"), strict=True)
        )
        leave = column(users, "termination_date").astype("datetime64[D]")
        pools: dict[str, np.ndarray] = {}
        for territory in column(org["territories"], "territory_id"):
            pools[str(territory)] = np.flatnonzero(
                (role == "ae") & (column(users, "territory_id") == territory)
            )
        for name in np.unique(team):
            for prefix, pool in (("team_sdr_", "sdr_"), ("team_cs_", "csm_")):
                if str(name).startswith(prefix):
                    pools[pool + str(name)[len(prefix) :]] = np.flatnonzero(team == name)
        ramp = column(users, "ramp_months")
        return cls(
            ids=ids,
            hire=column(users, "hire_date").astype("datetime64[D]"),
            leave=np.where(np.isnat(leave), FAR_FUTURE, leave),
            skill=np.array([skill_of[u] for u in ids], dtype=float),
            ramp=np.where(np.isnan(ramp.astype(float)), 1.0, ramp.astype(float)),
            pools=pools,
        )

    def assign(self, rng: np.random.Generator, pool: np.ndarray, day: np.ndarray) -> np.ndarray:
        """A user index per row: a random member of the row's pool employed on ``day``."""
        return pick_active(rng, self.pools, pool, day, self.hire, self.leave)

    def effective_skill(self, user: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Skill of ``user`` on ``day``, discounted while still ramping."""
        tenure = (day - self.hire[user]).astype(float) / 30.4
        ramped = np.clip(tenure / np.maximum(self.ramp[user], 1.0), 0.0, 1.0)
        return np.asarray(self.skill[user] * (0.6 + 0.4 * ramped))
