"""The proposals list, a proposal's page and its live tally block; reads from the mirror only."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from governance.models import ChainDeployment
from governance.selectors.chain_clock import chain_time
from governance.selectors.deployment import current_deployment
from governance.selectors.proposals import ProposalDetail, proposal_detail, proposals_list
from governance.views import proposal_context

# States in which the tally can still move (the live block keeps polling) or a step can be taken.
_LIVE_STATES = {None, "pending", "active", "succeeded", "queued"}
_MAX_ID_DIGITS = 78  # a uint256 in decimal


@require_GET
def proposal_list_view(request: HttpRequest) -> HttpResponse:
    deployment = current_deployment()
    rows = [] if deployment is None else proposals_list(deployment=deployment, now=chain_time())
    context = {"deployment": deployment, "proposals": rows}
    return render(request, "governance/proposal_list.html", context)


def _detail_or_404(proposal_id: str, now: int) -> tuple[ChainDeployment, ProposalDetail]:
    deployment = current_deployment()
    if deployment is None or not proposal_id.isdigit() or len(proposal_id) > _MAX_ID_DIGITS:
        raise Http404("No such proposal.")
    detail = proposal_detail(deployment=deployment, proposal_id=str(int(proposal_id)), now=now)
    if detail is None:
        raise Http404("No such proposal.")
    return deployment, detail


def _live_context(
    request: HttpRequest, deployment: ChainDeployment, detail: ProposalDetail, now: int
) -> dict[str, Any]:
    draft = proposal_context.draft_of(deployment=deployment, proposal_id=detail.summary.proposal_id)
    return {
        "detail": detail,
        "proposal": detail.summary,
        "tally": proposal_context.tally(detail),
        "draft": draft,
        "live": detail.summary.state in _LIVE_STATES,
        "steps": proposal_context.steps_of(deployment=deployment, proposal_id=detail.summary.proposal_id),
        "can_queue": draft is not None and detail.summary.state == "succeeded",
        "can_execute": draft is not None
        and detail.summary.state == "queued"
        and detail.eta is not None
        and detail.eta <= now,
        "signed_in": request.user.is_authenticated,
    }


@require_GET
def proposal_detail_view(request: HttpRequest, proposal_id: str) -> HttpResponse:
    # The countdown and the timelock's eta by the chain's clock: a development chain's may be far ahead.
    now = chain_time()
    deployment, detail = _detail_or_404(proposal_id, now)
    context = _live_context(request, deployment, detail, now)
    context["award"] = proposal_context.award_matches(detail, context["draft"])
    context["vote_box"] = proposal_context.vote_box(user=request.user, deployment=deployment, detail=detail)
    return render(request, "governance/proposal_detail.html", context)


@require_GET
def proposal_live_view(request: HttpRequest, proposal_id: str) -> HttpResponse:
    """The tally, voters and steps block alone: the detail page's htmx poll replaces its own copy."""
    now = chain_time()
    deployment, detail = _detail_or_404(proposal_id, now)
    return render(request, "governance/_proposal_live.html", _live_context(request, deployment, detail, now))
