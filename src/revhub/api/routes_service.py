"""The service's own routes: health (no sign-in needed).

>>> router.prefix
'/api'
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from revhub import __version__
from revhub.api.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api", tags=["service"], responses=PROBLEM_RESPONSES)


class HealthOut(BaseModel):
    status: str
    version: str


@router.get("/health", response_model=HealthOut)
def health() -> HealthOut:
    """Liveness: the server answers."""
    return HealthOut(status="ok", version=__version__)
