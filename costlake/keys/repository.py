"""Reading and writing ``api_keys``; only queries, no rules."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from costlake.db.models import ApiKey


class ApiKeyRepository:
    """Queries over API keys, within the caller's session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, key: ApiKey) -> ApiKey:
        """Stage ``key`` and flush, so its id is known."""
        self.session.add(key)
        self.session.flush()
        return key

    def candidates(self, lookup: str) -> Sequence[ApiKey]:
        """Keys whose lookup matches (almost always zero or one), with org and user
        loaded, since authentication returns both."""
        query = (
            select(ApiKey)
            .where(ApiKey.lookup == lookup)
            .options(joinedload(ApiKey.org), joinedload(ApiKey.user))
            .order_by(ApiKey.id)
        )
        return self.session.scalars(query).all()

    def list_for_org(self, org_id: int, *, include_revoked: bool) -> Sequence[ApiKey]:
        query = select(ApiKey).where(ApiKey.org_id == org_id)
        if not include_revoked:
            query = query.where(ApiKey.revoked_at.is_(None))
        return self.session.scalars(query.order_by(ApiKey.created_at, ApiKey.id)).all()

    def get(self, org_id: int, key_id: int) -> ApiKey | None:
        query = select(ApiKey).where(ApiKey.org_id == org_id, ApiKey.id == key_id)
        return self.session.scalars(query).one_or_none()

    def find_by_prefix(self, org_id: int, prefix: str) -> Sequence[ApiKey]:
        query = select(ApiKey).where(ApiKey.org_id == org_id, ApiKey.prefix == prefix)
        return self.session.scalars(query.order_by(ApiKey.id)).all()
