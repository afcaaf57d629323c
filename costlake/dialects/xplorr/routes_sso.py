"""Xplorr single sign-on endpoints: check by e-mail domain, SAML sign-in (start, assertion
consumer service), the SP metadata, and the org's SSO configuration (admins)."""

from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from costlake.auth.principals import Principal
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.routing import limited, needs
from costlake.dialects.xplorr import schemas as s
from costlake.dialects.xplorr import schemas_identity as si
from costlake.dialects.xplorr import translate
from costlake.dialects.xplorr.router import Work, signin
from costlake.errors import InvalidInput
from costlake.users import sso
from costlake.users.saml import ServiceProvider

SLUG = Annotated[str, Query(min_length=1, max_length=63)]
ACS_FORM = {
    "required": True,
    "content": {
        "application/x-www-form-urlencoded": {
            "schema": {
                "type": "object",
                "required": ["SAMLResponse", "RelayState"],
                "properties": {
                    "SAMLResponse": {"type": "string"},
                    "RelayState": {"type": "string"},
                },
            }
        }
    },
}
FORM_MAX_BYTES = 1_000_000
XML: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/samlmetadata+xml": {"schema": {"type": "string"}}}}
}


def base_url(request: Request) -> str:
    return str(request.app.state.platform.settings.base_url)


def config_out(config: Any, base: str, slug: str) -> dict[str, Any]:
    if config is None:
        return {"configured": False}
    sp = ServiceProvider.of(base, slug)
    return {
        "configured": True, "domain": config.domain, "idp_entity_id": config.idp_entity_id,
        "idp_metadata_url": config.idp_metadata_url, "default_role": config.default_role,
        "enabled": config.enabled, "enforced": config.enforced, "sp_entity_id": sp.entity_id,
        "acs_url": sp.acs_url, "sp_metadata_url": sp.entity_id,
        "updated_at": config.updated_at.isoformat(),
    }  # fmt: skip


async def saml_form(request: Request) -> tuple[str, str]:
    body = await request.body()
    if len(body) > FORM_MAX_BYTES:
        raise InvalidInput("the SAML form is larger than 1 MB")
    try:
        fields = parse_qs(body.decode("latin-1"), max_num_fields=20)
    except ValueError:
        raise InvalidInput("the SAML form has too many fields") from None
    response, relay = fields.get("SAMLResponse", [""])[0], fields.get("RelayState", [""])[0]
    if not response or not relay:
        raise InvalidInput(
            "the form needs SAMLResponse and RelayState (IdP-initiated sign-in is off)"
        )
    return response, relay


def add_sso_routes(router: APIRouter, dialect: Dialect, work: Work) -> None:  # noqa: C901
    @router.get(
        "/api/v1/auth/sso/check", response_model=si.SsoCheckOut,
        dependencies=[limited(dialect, "sso")],
    )  # fmt: skip
    async def sso_check(
        request: Request, email: Annotated[str, Query(min_length=3, max_length=320)]
    ) -> Response:
        """Check if SSO is required for email domain."""
        found = await work(request, lambda x: sso.check(x, email))
        login = f"{base_url(request)}/api/v1/auth/saml/init?org_slug={found.org_slug}"
        return dialect.success(
            {"sso_enabled": found.enabled, "sso_required": found.required,
             "org_slug": found.org_slug, "login_url": login if found.enabled else None}
        )  # fmt: skip

    @router.get(
        "/api/v1/auth/saml/init", status_code=302, response_class=RedirectResponse,
        responses={302: {"description": "To the identity provider"}},
        dependencies=[limited(dialect, "sso")],
    )  # fmt: skip
    async def saml_init(request: Request, org_slug: SLUG) -> Response:
        """Start SAML authentication flow (redirects to the identity provider)."""
        box, base = signin(request).box, base_url(request)
        url = await work(request, lambda x: sso.start(x, box, base, org_slug))
        return RedirectResponse(url, status_code=302)

    @router.post(
        "/api/v1/auth/saml/acs", response_model=s.TokensOut,
        openapi_extra={"requestBody": ACS_FORM},
        dependencies=[limited(dialect, "sso")],
    )  # fmt: skip
    async def saml_acs(request: Request) -> Response:
        """SAML Assertion Consumer Service callback."""
        response, relay = await saml_form(request)
        box, base = signin(request).box, base_url(request)
        signer = request.app.state.platform.session_tokens
        pair = await work(
            request,
            lambda x: translate.tokens(sso.finish(x, box, signer, base, response, relay)),
        )
        return dialect.success(pair)

    @router.get(
        "/api/v1/auth/saml/metadata/{org_slug}", response_class=Response, responses=XML,
        dependencies=[limited(dialect, "session")],
    )  # fmt: skip
    async def saml_metadata(
        request: Request, org_slug: Annotated[str, Path(max_length=63)]
    ) -> Response:
        """Get SP metadata XML."""
        base = base_url(request)
        xml = await work(request, lambda x: sso.sp_metadata(x, base, org_slug))
        return Response(xml, media_type="application/samlmetadata+xml")

    @router.get("/api/v1/auth/sso/config", response_model=si.SsoConfigOut)
    async def get_sso_config(
        request: Request, who: Annotated[Principal, needs(dialect, "users:read")]
    ) -> Response:
        """Get org SSO configuration (admin)."""
        base = base_url(request)
        found = await work(request, lambda x: config_out(sso.get_config(x, who), base, who.org))
        return dialect.success(found)

    @router.patch("/api/v1/auth/sso/config", response_model=si.SsoConfigOut)
    async def patch_sso_config(
        request: Request,
        who: Annotated[Principal, needs(dialect, "users:write", rate_class="write")],
        body: si.SsoConfigBody,
    ) -> Response:
        """Configure SSO (admin)."""
        box, base = signin(request).box, base_url(request)
        change = sso.SsoChange(**body.model_dump())
        found = await work(
            request, lambda x: config_out(sso.update_config(x, box, who, change), base, who.org)
        )
        return dialect.success(found)

    @router.delete("/api/v1/auth/sso/config", response_model=s.MessageOut)
    async def delete_sso_config(
        request: Request,
        who: Annotated[Principal, needs(dialect, "users:write", rate_class="write")],
    ) -> Response:
        """Disable SSO (admin)."""
        await work(request, lambda x: sso.delete_config(x, who))
        return dialect.success({"message": "Single sign-on removed"})
