"""Metadata queries of the users domain: users by e-mail or id, and their tokens."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from costlake.db.models import RefreshToken, User, UserToken


class UserRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, user_id: int) -> User | None:
        return self.session.scalars(
            select(User).where(User.id == user_id).options(joinedload(User.org))
        ).one_or_none()

    def by_email(self, email: str) -> Sequence[User]:
        """Every user with this e-mail address, in any org (oldest first)."""
        return self.session.scalars(
            select(User).where(User.email == email).options(joinedload(User.org)).order_by(User.id)
        ).all()

    def in_org(self, org_id: int) -> Sequence[User]:
        return self.session.scalars(
            select(User)
            .where(User.org_id == org_id)
            .options(joinedload(User.org))
            .order_by(User.id)
        ).all()

    def admins_exist(self) -> bool:
        """Whether any org has an active admin who can sign in."""
        row = self.session.scalars(
            select(User.id).where(
                User.role == "admin", User.is_active.is_(True), User.password_hash.is_not(None)
            )
        ).first()
        return row is not None

    # refresh tokens

    def refresh_by_hash(self, token_hash: str) -> RefreshToken | None:
        return self.session.scalars(
            select(RefreshToken).where(RefreshToken.token_hash == token_hash)
        ).one_or_none()

    def mark_used(self, token_id: int, moment: datetime) -> bool:
        """Stamp a refresh token used, only if nobody did first (one winner per token)."""
        result = self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.id == token_id, RefreshToken.used_at.is_(None))
            .values(used_at=moment)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    def revoke_families(
        self, moment: datetime, *, family_id: str | None = None, user_id: int | None = None,
        keep_family: str | None = None,
    ) -> None:  # fmt: skip
        query = update(RefreshToken).where(RefreshToken.revoked_at.is_(None))
        if family_id is not None:
            query = query.where(RefreshToken.family_id == family_id)
        if user_id is not None:
            query = query.where(RefreshToken.user_id == user_id)
        if keep_family is not None:
            query = query.where(RefreshToken.family_id != keep_family)
        self.session.execute(query.values(revoked_at=moment))

    # single-use tokens

    def user_token(self, purpose: str, token_hash: str) -> UserToken | None:
        return self.session.scalars(
            select(UserToken).where(
                UserToken.purpose == purpose, UserToken.token_hash == token_hash
            )
        ).one_or_none()

    def live_tokens_in_org(
        self, org_id: int, purpose: str, moment: datetime
    ) -> Sequence[tuple[UserToken, User]]:
        """Unused, unexpired tokens of ``purpose`` held by people of the org, newest first."""
        rows = self.session.execute(
            select(UserToken, User)
            .join(User, User.id == UserToken.user_id)
            .where(
                User.org_id == org_id,
                UserToken.purpose == purpose,
                UserToken.used_at.is_(None),
                UserToken.expires_at > moment,
            )
            .order_by(UserToken.created_at.desc(), UserToken.id.desc())
        ).all()
        return [(token, user) for token, user in rows]

    def expire_user_tokens(self, user_id: int, purpose: str, moment: datetime) -> None:
        self.session.execute(
            update(UserToken)
            .where(
                UserToken.user_id == user_id,
                UserToken.purpose == purpose,
                UserToken.used_at.is_(None),
            )
            .values(used_at=moment)
        )
