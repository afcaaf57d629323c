"""SAML single sign-on of an org, without HTTP: its configuration (admins), the check by
e-mail domain, the start of a sign-in and its end (the assertion consumer service), where
a person the IdP vouches for is provisioned just in time with the org's default role.

An org claims one e-mail domain: the admin configuring it must have an address there,
and a free-mail domain or one another org claimed is refused, so no org can send people
of someone else's domain to its own IdP. The IdP metadata is stored encrypted.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from costlake.auth.principals import Principal
from costlake.auth.sessions import SessionTokens
from costlake.db.models import Org, User
from costlake.db.models.identity import SsoConfig
from costlake.errors import InvalidInput, NotFound, PermissionDenied, Unauthenticated
from costlake.kit.clock import now
from costlake.kit.secretbox import SecretBox
from costlake.orgs.service import get_org
from costlake.users import challenges, saml, sessions, signup
from costlake.users.repository import UserRepository
from costlake.users.schemas import TokenPair
from costlake.users.service import create_user, parse_role

METADATA_MAX_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class SsoCheck:
    enabled: bool
    required: bool
    org_slug: str | None = None


@dataclass(frozen=True, slots=True)
class SsoChange:
    domain: str | None = None
    idp_metadata_xml: str | None = None
    idp_metadata_url: str | None = None
    default_role: str | None = None
    enabled: bool | None = None
    enforced: bool | None = None


def config_of(session: Session, org_id: int) -> SsoConfig | None:
    return session.scalar(select(SsoConfig).where(SsoConfig.org_id == org_id))


def _by_domain(session: Session, domain: str) -> SsoConfig | None:
    return session.scalar(select(SsoConfig).where(SsoConfig.domain == domain))


def _admin_org(session: Session, who: Principal) -> Org:
    if not who.is_admin:
        raise PermissionDenied("only an admin can see or change the org's single sign-on")
    return get_org(session, who.org)


# configuration


def get_config(session: Session, who: Principal) -> SsoConfig | None:
    return config_of(session, _admin_org(session, who).id)


def fetch_metadata(url: str) -> str:
    """The IdP metadata published at ``url`` (https, or http for a loopback IdP)."""
    parts = urlsplit(url)
    loopback = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "::1", "localhost")
    if parts.scheme != "https" and not loopback:
        raise InvalidInput("idp_metadata_url must be an https:// URL")
    try:
        with httpx.stream("GET", url, timeout=10, follow_redirects=False) as answer:
            answer.raise_for_status()
            body = b""
            for chunk in answer.iter_bytes():
                body += chunk
                if len(body) > METADATA_MAX_BYTES:
                    raise InvalidInput("the IdP metadata is larger than 1 MB")
    except httpx.HTTPError as error:
        raise InvalidInput(f"the IdP metadata cannot be fetched from {url}: {error}") from None
    return body.decode("utf-8", errors="replace")


def _domain(session: Session, who: Principal, org: Org, domain: str) -> str:
    domain = domain.strip().lower().rstrip(".")
    signup.business_email(f"someone@{domain}")  # well formed, not free mail
    claimed = _by_domain(session, domain)
    if claimed is not None and claimed.org_id != org.id:
        raise InvalidInput(f"the domain {domain} is claimed by another organization")
    user = UserRepository(session).get(who.user_id) if who.user_id is not None else None
    if user is not None and user.email.rpartition("@")[2] != domain:
        raise PermissionDenied(f"configure single sign-on for your own domain, not {domain}")
    return domain


def update_config(session: Session, box: SecretBox, who: Principal, change: SsoChange) -> SsoConfig:
    """Create or change the org's SSO; metadata given by URL is fetched once, now."""
    org = _admin_org(session, who)
    config = config_of(session, org.id)
    fetched = None
    if change.idp_metadata_xml is None and change.idp_metadata_url is not None:
        fetched = fetch_metadata(change.idp_metadata_url)
    metadata = change.idp_metadata_xml or fetched
    if config is None and (change.domain is None or metadata is None):
        raise InvalidInput("a first configuration needs domain and idp_metadata_xml (or _url)")
    domain = _domain(session, who, org, change.domain) if change.domain is not None else None
    entity_id = saml.idp_entity_id(metadata) if metadata is not None else None
    if config is None:
        config = SsoConfig(org_id=org.id, created_at=now(), default_role="member", enabled=True)
        session.add(config)
    if domain is not None:
        config.domain = domain
    if metadata is not None and entity_id is not None:
        config.idp_entity_id = entity_id
        config.idp_metadata = box.encrypt(metadata)
        config.idp_metadata_url = change.idp_metadata_url if fetched else None
    if change.default_role is not None:
        config.default_role = parse_role(change.default_role).value
    if change.enabled is not None:
        config.enabled = change.enabled
    if change.enforced is not None:
        config.enforced = change.enforced
    config.updated_at = now()
    session.flush()
    return config


def delete_config(session: Session, who: Principal) -> None:
    config = get_config(session, who)
    if config is None:
        raise NotFound("single sign-on is not configured")
    session.delete(config)
    session.flush()


# signing in


def required_for(session: Session, user: User) -> bool:
    """Whether ``user`` must sign in through the org's IdP, neither by password nor by
    passkey: SSO is on and enforced for their domain and they are not an admin (admins
    keep their password, so a broken IdP configuration can still be fixed)."""
    if user.role == "admin":
        return False
    config = config_of(session, user.org_id)
    return bool(
        config is not None and config.enabled and config.enforced
        and user.email.rpartition("@")[2] == config.domain
    )  # fmt: skip


def check(session: Session, email: str) -> SsoCheck:
    domain = str(email).strip().lower().rpartition("@")[2]
    config = _by_domain(session, domain) if domain else None
    if config is None or not config.enabled:
        return SsoCheck(enabled=False, required=False)
    org = session.get(Org, config.org_id)
    assert org is not None, "a config's org cascades with it"
    return SsoCheck(enabled=True, required=config.enforced, org_slug=org.slug)


def _enabled(session: Session, org_slug: str) -> tuple[Org, SsoConfig]:
    org = get_org(session, org_slug)
    config = config_of(session, org.id)
    if config is None or not config.enabled:
        raise NotFound(f"single sign-on is not configured for {org_slug!r}")
    return org, config


def sp_metadata(session: Session, base_url: str, org_slug: str) -> str:
    _enabled(session, org_slug)
    return saml.sp_metadata(saml.ServiceProvider.of(base_url, org_slug))


def start(session: Session, box: SecretBox, base_url: str, org_slug: str) -> str:
    """The IdP URL to send the browser to; the request is remembered for 10 minutes."""
    org, config = _enabled(session, org_slug)
    relay_state = secrets.token_urlsafe(32)
    sp = saml.ServiceProvider.of(base_url, org.slug)
    request_id, url = saml.authn_request(sp, box.decrypt(config.idp_metadata), relay_state)
    challenges.store(
        session, challenges.SAML_REQUEST, relay_state.encode(), org_id=org.id,
        data={"request_id": request_id},
    )  # fmt: skip
    return url


def finish(
    session: Session, box: SecretBox, tokens: SessionTokens, base_url: str,
    response: str, relay_state: str,
) -> TokenPair:  # fmt: skip
    """Tokens for the person a SAML response vouches for (provisioned on first sign-in)."""
    request = challenges.take(session, (challenges.SAML_REQUEST,), relay_state.encode())
    org = session.get(Org, request.org_id)
    config = config_of(session, request.org_id) if request.org_id is not None else None
    if org is None or config is None or not config.enabled:
        raise Unauthenticated("single sign-on is no longer configured for this organization")
    sp = saml.ServiceProvider.of(base_url, org.slug)
    metadata = box.decrypt(config.idp_metadata)
    vouched = saml.identity(sp, metadata, response, str(request.data["request_id"]))
    if vouched.issuer != config.idp_entity_id:
        raise Unauthenticated("the SAML response comes from another identity provider")
    if vouched.email.rpartition("@")[2] != config.domain:
        raise Unauthenticated(f"the IdP vouched for an address outside {config.domain}")
    user = _member(session, org, config, vouched)
    return sessions.start_session(session, tokens, user, "saml")


def _member(session: Session, org: Org, config: SsoConfig, vouched: saml.Identity) -> User:
    found = session.scalar(select(User).where(User.org_id == org.id, User.email == vouched.email))
    if found is not None and not found.is_active:
        raise Unauthenticated("the user is deactivated", reason="revoked")
    if found is None:
        found = create_user(
            session, org.slug, vouched.email, role=config.default_role, name=vouched.name,
            verified=True,
        )  # fmt: skip
    elif found.email_verified_at is None:
        found.email_verified_at = now()  # the IdP vouched for the address
    user = UserRepository(session).get(found.id)
    assert user is not None
    return user
