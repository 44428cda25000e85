"""Template filters for Clueboard pages: Markdown, token amounts, scores, and visibility questions.

The visibility filters only ask the selectors; the rules themselves stay in bounties.selectors.visibility.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from django import template
from django.utils.safestring import SafeString, mark_safe

from bounties.licenses import license_name as osi_license_name
from bounties.models import Challenge, Submission
from bounties.rendering import render_markdown
from bounties.selectors.prize_eligibility import PrizeEligibility
from bounties.selectors.prize_eligibility import prize_eligibility as prize_eligibility_of
from bounties.selectors.visibility import private_scores_revealed, submission_is_published

register = template.Library()

TOKEN_DECIMALS = 18
# Enough digits for any uint256 amount, so the division by 10**18 is always exact.
TOKEN_PRECISION = 100


@register.filter(name="markdown")
def markdown_filter(text: str | None) -> SafeString:
    """Sanitised HTML: render_markdown strips scripts, so marking it safe is sound."""
    return mark_safe(render_markdown(text or ""))  # noqa: S308


@register.filter
def tokens(base_units: int | str | None) -> str:
    """Base units as whole tokens with 18 decimals, grouped, without trailing zeros: 1500000000000000000 -> 1.5."""
    if base_units is None or base_units == "":
        return "—"
    with localcontext() as context:
        context.prec = TOKEN_PRECISION
        amount = Decimal(int(base_units)).scaleb(-TOKEN_DECIMALS)
        whole, _, fraction = f"{amount:f}".partition(".")
    fraction = fraction.rstrip("0")
    grouped = f"{int(whole):,}"
    return f"{grouped}.{fraction}" if fraction else grouped


@register.filter
def score(value: float | None) -> str:
    """Six decimals, as leaderboards compare scores closer than a rounded figure shows."""
    if value is None:
        return "—"
    return f"{value:.6f}"


@register.filter
def private_revealed(challenge: Challenge) -> bool:
    return private_scores_revealed(challenge)


@register.filter
def is_published(submission: Submission) -> bool:
    return submission_is_published(submission)


@register.filter
def http_url(url: str | None) -> str:
    """The URL if it is http(s), else empty: a link from stored data must never run script when clicked."""
    text = (url or "").strip()
    return text if text.lower().startswith(("https://", "http://")) else ""


@register.filter
def prize_eligibility(submission: Submission) -> PrizeEligibility:
    """Whether the submission may win a prize, and why: the rule of bounties.selectors.prize_eligibility."""
    return prize_eligibility_of(submission)


@register.filter
def license_name(spdx_id: str) -> str:
    return osi_license_name(spdx_id)
