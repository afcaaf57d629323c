"""Xplorr's people administration and org endpoints: who sees which cloud accounts,
pending invitations, notification settings, the current org, its figures and closing it.

Registered before ``/users/{user_id}`` so that ``/users/available-accounts`` and the
other fixed paths are not read as a user id.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from costlake.auth.principals import Principal
from costlake.dialects.framework.audit import ACTION_KEY
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.routing import needs
from costlake.dialects.xplorr import schemas_admin as s
from costlake.dialects.xplorr import translate_admin as t
from costlake.dialects.xplorr.router import PAGES, Work, person
from costlake.kit.pagination import page_of
from costlake.orgs.close import close_org
from costlake.orgs.current import current_org, org_stats, rename_org
from costlake.users import access, invitations, preferences

PageNumber = Annotated[int | None, Query(ge=1, le=100_000)]
PageSize = Annotated[int | None, Query(ge=1, le=100)]
Id = Annotated[int, Path(ge=1, le=s.ID_MAX)]


def add_org_routes(router: APIRouter, dialect: Dialect, work: Work) -> None:  # noqa: C901, PLR0915
    def paged(items: list[Any], page: int | None, limit: int | None) -> tuple[list[Any], Any]:
        found = page_of(items, PAGES.request(page, limit))
        return found.items, PAGES.meta(found)

    @router.get("/api/v1/users/available-accounts", response_model=s.CloudAccountPage)
    async def available_accounts(
        request: Request, who: Annotated[Principal, needs(dialect, "users:read")],
        page: PageNumber = None, limit: PageSize = None,
    ) -> Response:  # fmt: skip
        """Get accounts available for invite modal (admin)."""
        found = await work(
            request, lambda x: [t.account(a) for a in access.available_accounts(x, who)]
        )
        data, meta = paged(found, page, limit)
        return dialect.success(data, meta=meta)

    @router.get("/api/v1/users/invitations/list", response_model=s.PendingInvitationPage)
    async def pending_invitations(
        request: Request, who: Annotated[Principal, needs(dialect, "users:read")],
        page: PageNumber = None, limit: PageSize = None,
    ) -> Response:  # fmt: skip
        """List pending invitations (admin)."""
        found = await work(
            request, lambda x: [t.invitation(p) for p in invitations.pending(x, who)]
        )
        data, meta = paged(found, page, limit)
        return dialect.success(data, meta=meta)

    @router.get("/api/v1/users/notification-preferences", response_model=s.NotificationPreferences)
    async def get_preferences(
        request: Request, who: Annotated[Principal, needs(dialect, "users:read")]
    ) -> Response:
        """Get notification settings (of the signed-in person)."""
        found = await work(request, lambda x: preferences.get_preferences(x, person(x, who)))
        return dialect.success(found)

    @router.patch(
        "/api/v1/users/notification-preferences", response_model=s.NotificationPreferences
    )
    async def update_preferences(
        request: Request,
        who: Annotated[Principal, needs(dialect, "users:write", rate_class="write")],
        body: s.NotificationPreferencesBody,
    ) -> Response:
        """Update notification settings (only the settings sent change)."""
        changes = body.model_dump(exclude_none=True)
        found = await work(
            request, lambda x: preferences.update_preferences(x, person(x, who), changes)
        )
        return dialect.success(found)

    @router.get("/api/v1/users/{user_id}/accounts", response_model=s.CloudAccountPage)
    async def user_accounts(
        request: Request, who: Annotated[Principal, needs(dialect, "users:read")], user_id: Id,
        page: PageNumber = None, limit: PageSize = None,
    ) -> Response:  # fmt: skip
        """List user's cloud account access (admin)."""
        found = await work(
            request, lambda x: [t.account(a) for a in access.granted_accounts(x, who, user_id)]
        )
        data, meta = paged(found, page, limit)
        return dialect.success(data, meta=meta)

    @router.post(
        "/api/v1/users/{user_id}/accounts", status_code=201, response_model=s.CloudAccountPage
    )
    async def grant_accounts(
        request: Request,
        who: Annotated[Principal, needs(dialect, "users:write", rate_class="write")],
        user_id: Id,
        body: s.GrantBody,
    ) -> Response:
        """Grant account access (admin); answers every account the user may see now."""
        ids = t.grant_ids(body.account_ids, body.account_id)
        found = await work(
            request, lambda x: [t.account(a) for a in access.grant(x, who, user_id, ids)]
        )
        data, meta = paged(found, 1, 100)
        return dialect.success(data, status=201, meta=meta)

    @router.delete("/api/v1/users/{user_id}/accounts/{account_id}", status_code=204)
    async def revoke_account(
        request: Request,
        who: Annotated[Principal, needs(dialect, "users:write", rate_class="write")],
        user_id: Id,
        account_id: Id,
    ) -> Response:
        """Revoke account access (admin): it applies to the user's next request."""
        await work(request, lambda x: access.revoke(x, who, user_id, account_id))
        return Response(status_code=204)

    @router.get("/api/v1/organizations/current", response_model=s.OrganizationOut)
    async def get_current(
        request: Request, who: Annotated[Principal, needs(dialect, "orgs:read")]
    ) -> Response:
        """Get current organization."""
        return dialect.success(await work(request, lambda x: t.organization(current_org(x, who))))

    @router.patch("/api/v1/organizations/current", response_model=s.OrganizationOut)
    async def rename(
        request: Request,
        who: Annotated[Principal, needs(dialect, "orgs:write", rate_class="write")],
        body: s.RenameBody,
    ) -> Response:
        """Update org name (admin)."""
        return dialect.success(
            await work(request, lambda x: t.organization(rename_org(x, who, body.name)))
        )

    @router.get("/api/v1/organizations/stats", response_model=s.OrganizationStats)
    async def stats(
        request: Request, who: Annotated[Principal, needs(dialect, "orgs:read")]
    ) -> Response:
        """Get org statistics (admin)."""
        lake = request.app.state.platform.lake
        return dialect.success(await work(request, lambda x: t.stats(org_stats(x, lake, who))))

    @router.delete(
        "/api/v1/organizations/close", response_model=s.ClosedOrganization,
        openapi_extra={ACTION_KEY: "organizations.close"},
    )  # fmt: skip
    async def close(
        request: Request,
        who: Annotated[Principal, needs(dialect, "orgs:write", rate_class="write")],
        x_confirm_close: Annotated[
            str | None,
            Header(max_length=100, description="Must be DELETE_MY_ORGANIZATION"),
        ] = None,
    ) -> Response:
        """Close org and delete all data (admin). Requires x-confirm-close:
        DELETE_MY_ORGANIZATION header."""
        lake = request.app.state.platform.lake

        def run(x: Session) -> dict[str, Any]:
            return t.closed(close_org(x, lake, who, x_confirm_close))

        return dialect.success(await work(request, run))
