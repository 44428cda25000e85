"""Drafting a challenge's prize proposal: what will be proposed (recipients, amounts, evidence) before anyone signs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from bounties.errors import ApplicationError
from bounties.models import Challenge
from governance.models import PrizeProposalDraft
from governance.selectors.wallets import wallet_of_user
from governance.services import prize_inputs
from governance.services.proposals import prize_proposal_draft_create


@login_required
@require_http_methods(["GET", "POST"])
def prize_draft_start_view(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the draft of the challenge's attested results if there is one, else an offer to prepare it."""
    challenge = get_object_or_404(Challenge, slug=slug)
    try:
        attestation = prize_inputs.challenge_attestation(challenge)
    except prize_inputs.PrizeInputsMissing as missing:
        raise Http404("The challenge's results are not attested yet.") from missing
    existing = PrizeProposalDraft.objects.filter(
        kind=PrizeProposalDraft.Kind.FINAL,
        challenge=challenge,
        results_hash="0x" + attestation.results_hash.hex(),
    ).first()
    if existing is not None:
        return redirect("governance:prize-draft", pk=existing.pk)
    if request.method == "POST":
        try:
            draft = prize_proposal_draft_create(challenge=challenge, created_by=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            return redirect("governance:prize-draft", pk=draft.pk)
    return render(
        request, "governance/draft_start.html", {"challenge": challenge, "attestation": attestation}
    )


@login_required
def prize_draft_view(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_object_or_404(
        PrizeProposalDraft.objects.select_related("challenge", "submission", "deployment", "created_by"),
        pk=pk,
    )
    context = {
        "draft": draft,
        "wallet": wallet_of_user(user=request.user),
        "may_submit": request.user.is_staff or draft.challenge.organizer_id == request.user.pk,
    }
    return render(request, "governance/draft_detail.html", context)
