"""The delegates page: each delegate's power, votes and delegators, and the member's own delegation."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from governance.selectors.delegates import delegates_list
from governance.selectors.deployment import current_deployment
from governance.selectors.members import member_profile
from governance.selectors.wallets import wallet_of_user


@require_GET
def delegates_view(request: HttpRequest) -> HttpResponse:
    deployment = current_deployment()
    wallet = wallet_of_user(user=request.user)
    context: dict[str, object] = {"deployment": deployment, "wallet": wallet}
    if deployment is not None:
        context["delegates"] = delegates_list(deployment=deployment)
        if wallet is not None:
            context["own"] = member_profile(deployment=deployment, address=wallet.address)
    return render(request, "governance/delegates.html", context)
