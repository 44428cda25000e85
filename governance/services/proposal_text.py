"""The text of a final prize proposal: what it pays, to whom and why, with the evidence members check."""

from __future__ import annotations

from typing import Any


def award_description(challenge: Any, fields: dict[str, Any]) -> str:
    """The proposal text (markdown) of a final award from its draft fields."""
    rows = "\n".join(
        f"| {_rank_cell(r)} | {r['username']} | {r['address']} | {_amount_cell(r)} |"
        for r in fields["recipients"]
    )
    unpaid = "".join(_unpaid_line(u) for u in fields["unpayable"])
    attestation = fields["attestation"]
    return (
        f"# Prize award: {challenge.title}\n\n"
        f"Pays the prizes of challenge `{challenge.slug}` (escrow challenge #{fields['escrow_challenge_id']}) "
        f"by its prize split {fields['split']} of the {fields['pool']} base units escrowed.\n\n"
        f"{_share_rule(challenge)}"
        "| Rank | Contributor | Wallet | Amount (base units) |\n|---|---|---|---|\n"
        f"{rows}\n{unpaid}\n"
        "## Evidence\n\n"
        f"- Spec hash: {fields['spec_hash']}\n"
        f"- Results hash (keccak256 of the final leaderboard JSON): {fields['results_hash']}\n"
        f"- Final leaderboard: {fields['leaderboard_url']} (sha256 {fields['leaderboard_sha256']})\n"
        f"- Attested by {', '.join(attestation['evaluators'])} at {attestation['attested_at']} "
        f"(round {attestation['round']})\n"
        f"- Claim window: {fields['claim_window'] // 86400} days"
    )


def _share_rule(challenge: Any) -> str:
    if not challenge.clue_share_bps:
        return ""
    return (
        f"Clue share: {challenge.clue_share_bps} basis points of each prize go to the work the winning "
        f"submission builds on, {challenge.share_depth} level(s) deep, halving at each level.\n\n"
    )


def _rank_cell(entry: dict[str, Any]) -> str:
    return f"{entry['rank']} (clue share)" if entry.get("kind") == "share" else str(entry["rank"])


def _amount_cell(entry: dict[str, Any]) -> str:
    if entry.get("kind") == "share":
        return f"{entry['amount']} (builds on {_works(entry)})"
    return f"{entry['amount']} ({entry['share']}%)"


def _works(entry: dict[str, Any]) -> str:
    return ", ".join(f"{w['kind']} #{w['id']}" for w in entry["works"])


def _unpaid_line(entry: dict[str, Any]) -> str:
    if entry.get("kind") == "share":
        return (
            f"\n{entry['username']}'s clue share of rank {entry['rank']} ({entry['amount']} for {_works(entry)}) "
            f"has no linked wallet: it stays with the winner, {entry['kept_by']}.\n"
        )
    return (
        f"\nRank {entry['rank']} ({entry['username']}, {entry['share']}%) has no linked wallet: that share goes "
        "back to the funders.\n"
    )
