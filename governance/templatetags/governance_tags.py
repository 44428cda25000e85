"""Filters for the governance pages: short addresses and hashes, durations in words, vote support."""

from __future__ import annotations

from typing import Any

from django import template

from governance.chain.governor import VoteSupport
from governance.services import prize_inputs

register = template.Library()


@register.filter
def short_address(value: str | None) -> str:
    """0x1234…abcd: enough to tell addresses apart; the full one goes in a title attribute."""
    if not value:
        return "—"
    return f"{value[:6]}…{value[-4:]}" if len(value) > 12 else value


@register.filter
def duration(seconds: int | None) -> str:
    """Seconds as the two largest units: 2 d 3 h, 5 h 1 min, 40 s."""
    if seconds is None:
        return "—"
    remaining = max(0, int(seconds))
    parts: list[str] = []
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60), ("s", 1)):
        if remaining >= size or (unit == "s" and not parts):
            parts.append(f"{remaining // size} {unit}")
            remaining %= size
        if len(parts) == 2:
            break
    return " ".join(parts)


@register.filter
def without_proposer_suffix(description: str) -> str:
    """The description without the `#proposer=0x…` suffix (EIP-style front-running guard, shown apart)."""
    head, marker, tail = description.rpartition("#proposer=")
    return head.rstrip() if marker and len(tail.strip()) == 42 and "\n" not in tail.strip() else description


@register.filter
def support_name(value: int) -> str:
    """0, 1, 2 as against, for, abstain."""
    return VoteSupport(value).name.lower()


@register.simple_tag
def prize_draft_ready(challenge: Any) -> bool:
    """Whether the challenge's results are attested in the escrow, so its prize proposal can be drafted."""
    try:
        prize_inputs.challenge_attestation(challenge)
    except prize_inputs.PrizeInputsMissing:
        return False
    return True
