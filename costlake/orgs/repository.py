"""Reading and writing the ``orgs`` and ``users`` tables; no rules, only queries."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from costlake.db.models import Org, User
from costlake.db.upsert import insert
from costlake.kit.clock import now


class OrgRepository:
    """Queries over orgs and their users, within the caller's session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get_by_slug(self, slug: str) -> Org | None:
        return self.session.scalars(select(Org).where(Org.slug == slug)).one_or_none()

    def insert_if_missing(self, slug: str, name: str) -> None:
        """Insert the org unless one with that slug exists (perhaps just committed by
        another process): ``ON CONFLICT DO NOTHING`` makes the race harmless."""
        statement = insert(self.session, Org.__table__).values(
            slug=slug, name=name, created_at=now()
        )
        self.session.execute(statement.on_conflict_do_nothing(index_elements=["slug"]))

    def list(self) -> Sequence[Org]:
        return self.session.scalars(select(Org).order_by(Org.slug)).all()

    def get_user_by_email(self, org_id: int, email: str) -> User | None:
        query = select(User).where(User.org_id == org_id, User.email == email)
        return self.session.scalars(query).one_or_none()

    def insert_user_if_missing(self, org_id: int, email: str, name: str | None) -> None:
        statement = insert(self.session, User.__table__).values(
            org_id=org_id, email=email, name=name, created_at=now()
        )
        self.session.execute(statement.on_conflict_do_nothing(index_elements=["org_id", "email"]))
