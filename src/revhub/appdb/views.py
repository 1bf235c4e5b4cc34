"""Saved views: a dashboard page with its filters, kept under a name by one user.

Saving under a name the user already used replaces that view.

>>> from revhub.appdb.database import AppDatabase
>>> from revhub.appdb.users import create_user
>>> db = AppDatabase("sqlite://")
>>> db.upgrade()
>>> ana = create_user(db, "ana", "cro", "a long enough password")
>>> _ = save_view(db, ana.id, "EMEA pipeline", "pipeline", "region=EMEA")
>>> [(v.name, v.page, v.query) for v in list_views(db, ana.id)]
[('EMEA pipeline', 'pipeline', 'region=EMEA')]
>>> db.dispose()
"""

from __future__ import annotations

from sqlalchemy import select

from revhub.appdb.database import AppDatabase
from revhub.appdb.models import SavedView
from revhub.appdb.records import ViewRecord
from revhub.errors import NotFoundError, UserAdminError


def save_view(db: AppDatabase, user_id: int, name: str, page: str, query: str) -> ViewRecord:
    """Save ``page`` with its ``query`` string as ``name`` (replacing a view so named)."""
    label = name.strip()
    if not label or len(label) > 100:
        raise UserAdminError("a saved view needs a name of 1–100 characters.")
    with db.session() as session:
        row = session.scalars(
            select(SavedView).where(SavedView.user_id == user_id, SavedView.name == label)
        ).one_or_none()
        if row is None:
            row = SavedView(user_id=user_id, name=label, page=page, query=query)
            row.created_at = db.now()
            session.add(row)
        else:
            row.page, row.query = page, query
        session.flush()
        return ViewRecord.of(row)


def list_views(db: AppDatabase, user_id: int, *, page: str | None = None) -> list[ViewRecord]:
    """The user's saved views by name, optionally of one ``page`` only."""
    query = select(SavedView).where(SavedView.user_id == user_id).order_by(SavedView.name)
    if page is not None:
        query = query.where(SavedView.page == page)
    with db.session() as session:
        return [ViewRecord.of(row) for row in session.scalars(query)]


def delete_view(db: AppDatabase, user_id: int, name: str) -> None:
    """Delete the user's view called ``name`` (names are unique per user)."""
    with db.session() as session:
        row = session.scalars(
            select(SavedView).where(SavedView.user_id == user_id, SavedView.name == name.strip())
        ).one_or_none()
        if row is None:
            raise NotFoundError("saved view", name)
        session.delete(row)
