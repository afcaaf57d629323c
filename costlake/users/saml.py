"""SAML 2.0 as a service provider, with pysaml2 (the ``saml`` extra) and xmlsec1.

Each org with single sign-on is its own service provider: entity id
``<public URL>/api/v1/auth/saml/metadata/<org>``, one assertion consumer service
``<public URL>/api/v1/auth/saml/acs`` (HTTP-POST), requests sent by HTTP-Redirect. Only
SP-initiated sign-in: a response must answer a request this server made (InResponseTo),
its assertion must be signed by the IdP's certificate from its metadata, and be meant
for this SP (audience) within its validity window. pysaml2 is imported only here, when
an SSO endpoint is used, so a server without the extra answers those with
:class:`MissingExtra` naming ``pip install 'costlake[saml]'``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import Any

from costlake.errors import InvalidInput, MissingExtra, Unauthenticated

MISSING = "SAML single sign-on needs pysaml2 and xmlsec1: pip install 'costlake[saml]'"
EMAIL_ATTRIBUTES = ("email", "mail", "emailAddress", "urn:oid:0.9.2342.19200300.100.1.3")
NAME_ATTRIBUTES = ("displayName", "name", "cn", "urn:oid:2.16.840.1.113730.3.1.241")


def _saml2() -> Any:
    try:
        import saml2  # noqa: PLC0415
        import saml2.client  # noqa: PLC0415, F401
        import saml2.config  # noqa: PLC0415, F401
        import saml2.metadata  # noqa: PLC0415, F401
    except ImportError:
        raise MissingExtra(MISSING, extra="saml") from None
    if _xmlsec() is None:
        raise MissingExtra(MISSING + " (the xmlsec1 program is not on PATH)", extra="saml")
    return saml2


def _xmlsec() -> str | None:
    return shutil.which("xmlsec1")


@dataclass(frozen=True, slots=True)
class ServiceProvider:
    entity_id: str
    acs_url: str

    @classmethod
    def of(cls, base_url: str, org_slug: str) -> ServiceProvider:
        return cls(
            entity_id=f"{base_url}/api/v1/auth/saml/metadata/{org_slug}",
            acs_url=f"{base_url}/api/v1/auth/saml/acs",
        )


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the IdP vouched for."""

    email: str
    name: str | None
    issuer: str


def _config(sp: ServiceProvider, idp_metadata: str | None) -> Any:
    saml2 = _saml2()
    config = saml2.config.SPConfig()
    config.load(
        {
            "entityid": sp.entity_id,
            "xmlsec_binary": _xmlsec(),
            "allow_unknown_attributes": True,
            "service": {
                "sp": {
                    "endpoints": {
                        "assertion_consumer_service": [(sp.acs_url, saml2.BINDING_HTTP_POST)]
                    },
                    "allow_unsolicited": False,
                    "authn_requests_signed": False,
                    "want_assertions_signed": True,
                    "want_response_signed": False,
                    "name_id_format": [saml2.saml.NAMEID_FORMAT_EMAILADDRESS],
                }
            },
            "metadata": {"inline": [idp_metadata]} if idp_metadata else {},
        }
    )
    return config


def idp_entity_id(metadata_xml: str) -> str:
    """The one IdP that ``metadata_xml`` describes, checked to carry an HTTP-Redirect
    single sign-on service and a signing certificate; :class:`InvalidInput` otherwise."""
    saml2 = _saml2()
    try:
        store = _config(ServiceProvider("urn:costlake:check", "urn:costlake:check"), metadata_xml)
        idps = list(store.metadata.identity_providers())
    except Exception as error:  # noqa: BLE001 (pysaml2 raises many kinds for bad XML)
        raise InvalidInput(f"the IdP metadata is not valid SAML metadata: {error}") from None
    if len(idps) != 1:
        raise InvalidInput(f"the IdP metadata must describe one identity provider, not {len(idps)}")
    if not store.metadata.single_sign_on_service(idps[0], saml2.BINDING_HTTP_REDIRECT):
        raise InvalidInput("the IdP metadata has no HTTP-Redirect SingleSignOnService")
    if not store.metadata.certs(idps[0], "idpsso", use="signing"):
        raise InvalidInput("the IdP metadata has no signing certificate")
    return str(idps[0])


def sp_metadata(sp: ServiceProvider) -> str:
    """This SP's metadata XML, for the IdP's administrator."""
    saml2 = _saml2()
    descriptor = saml2.metadata.entity_descriptor(_config(sp, None))
    return str(
        saml2.metadata.metadata_tostring_fix(descriptor, {}, descriptor.to_string()).decode()
    )


def authn_request(sp: ServiceProvider, idp_metadata: str, relay_state: str) -> tuple[str, str]:
    """(request id, URL of the IdP to send the browser to)."""
    saml2 = _saml2()
    client = saml2.client.Saml2Client(config=_config(sp, idp_metadata))
    request_id, info = client.prepare_for_authenticate(
        relay_state=relay_state, binding=saml2.BINDING_HTTP_REDIRECT
    )
    return str(request_id), str(dict(info["headers"])["Location"])


def identity(sp: ServiceProvider, idp_metadata: str, response: str, request_id: str) -> Identity:
    """The identity a base64 ``SAMLResponse`` vouches for, after every check;
    :class:`Unauthenticated` for a response that fails one."""
    saml2 = _saml2()
    client = saml2.client.Saml2Client(config=_config(sp, idp_metadata))
    try:
        parsed = client.parse_authn_request_response(
            response, saml2.BINDING_HTTP_POST, outstanding={request_id: "/"}
        )
    except Exception as error:  # noqa: BLE001 (pysaml2 raises many kinds: all refusals)
        kind = type(error).__name__
        raise Unauthenticated(f"the SAML response is not valid ({kind}: {error})") from None
    if parsed is None or parsed.assertion is None:
        raise Unauthenticated("the SAML response carries no assertion")
    attributes = parsed.get_identity() or {}
    email = _first(attributes, EMAIL_ATTRIBUTES)
    name_id = parsed.name_id.text if parsed.name_id is not None else None
    if email is None and name_id and "@" in name_id:
        email = name_id
    if email is None:
        raise Unauthenticated("the SAML assertion names no e-mail address")
    return Identity(email.strip().lower(), _first(attributes, NAME_ATTRIBUTES), parsed.issuer())


def _first(attributes: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        values = attributes.get(name)
        if values:
            return str(values[0])
    return None
