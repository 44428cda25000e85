"""Drafting a progress prize: a member picks a published work of a challenge and an amount."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from bounties.errors import ApplicationError
from bounties.selectors.challenges import challenge_get_visible
from bounties.selectors.citations import citable_works_search
from bounties.views.common import CITABLE_LISTED, application_errors_as_pages
from governance.services import prize_inputs
from governance.services.progress_prizes import progress_prize_draft_create
from governance.views.funding import parse_token_amount


class ProgressPrizeForm(forms.Form):
    work = forms.ChoiceField(label="Work", help_text="A published submission or clue of this challenge.")
    amount = forms.CharField(
        label="Amount (CLUE)", max_length=40, help_text="Paid from the DAO treasury, at most the prize pool."
    )

    def __init__(self, *args: Any, works: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        work = self.fields["work"]
        assert isinstance(work, forms.ChoiceField)
        work.choices = works

    def clean_amount(self) -> int:
        units = parse_token_amount(self.cleaned_data["amount"])
        if units is None:
            raise forms.ValidationError("Write an amount of tokens such as 25 or 12.5.")
        return units


@login_required
@require_http_methods(["GET", "POST"])
@application_errors_as_pages
def progress_prize_new_view(request: HttpRequest, slug: str) -> HttpResponse:
    challenge = challenge_get_visible(slug=slug, viewer=request.user)
    works = [
        (f"{w.kind}-{w.id}", f"{w.kind.capitalize()} {w.label}")
        for w in citable_works_search(challenge=challenge, limit=CITABLE_LISTED)
    ]
    initial = {"work": request.GET.get("work", "")}
    form = ProgressPrizeForm(request.POST or None, works=works, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            kind, _, work_id = form.cleaned_data["work"].partition("-")
            try:
                draft = progress_prize_draft_create(
                    challenge=challenge,
                    work_kind=kind,
                    work_id=int(work_id),
                    amount=form.cleaned_data["amount"],
                    created_by=request.user,
                )
            except ApplicationError as error:
                status = error.status_code
                messages.error(request, error.message)
            else:
                return redirect("governance:prize-draft", pk=draft.pk)
    context = {"challenge": challenge, "form": form, "wallet": prize_inputs.wallet_address_of(request.user)}
    return render(request, "governance/progress_prize_new.html", context, status=status)
