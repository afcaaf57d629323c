"""The credentials epoch: one counter that moves whenever who-may-see-what changes."""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from costlake.db.models import Base


class CredentialEpoch(Base):
    """A single row (``id`` 1). Any write that can take authority away (a key revoked, a
    user deactivated or demoted, a grant changed, a sign-in revoked, an org changed or
    closed) adds one to ``value`` in the same transaction (:mod:`costlake.db.epoch`)."""

    __tablename__ = "credential_epoch"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
