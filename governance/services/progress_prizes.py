"""Progress prizes: any member drafts a proposal that pays one published clue or submission directly.

The escrow pays a challenge's pool only by the attested final results, once, so a prize during the
challenge cannot come out of the escrow: it is a transfer of the prize token from the DAO treasury (the
timelock), capped at the challenge's prize pool. The draft is a `PrizeProposalDraft` of kind "progress",
shown, submitted and executed like the final award's.
"""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse
from web3 import Web3

from bounties.errors import ApplicationError, PermissionDenied
from bounties.models import Challenge
from bounties.selectors.citations import citable_clues, citable_submissions
from governance.chain.client import ChainClient
from governance.chain.token import Erc20
from governance.models import PrizeProposalDraft
from governance.selectors.deployment import current_deployment
from governance.services import prize_inputs
from governance.services.connection import chain_client
from governance.services.relaying import NO_DEPLOYMENT

NOT_A_MEMBER = "Only members with a linked wallet can draft a progress prize: link a wallet first."
NOT_CITABLE = "Only published work of this challenge can get a progress prize."
NO_RECIPIENT_WALLET = (
    "The author of this work has no linked wallet, so a prize could not be paid to them yet."
)
BAD_AMOUNT = "The amount must be more than 0 and at most the challenge's prize pool."
TREASURY_SHORT = (
    "The treasury holds less of the prize token than this amount, so the proposal could not pay it."
)


def progress_prize_draft_create(
    *,
    challenge: Challenge,
    work_kind: str,
    work_id: int,
    amount: int,
    created_by: Any,
    client: ChainClient | None = None,
) -> PrizeProposalDraft:
    """Draft a treasury transfer of `amount` base units to the author of a published work.

    The same draft again when this member already drafted this very prize. Raises PermissionDenied
    (NOT_A_MEMBER) or ApplicationError (NO_DEPLOYMENT, NOT_CITABLE, BAD_AMOUNT, NO_RECIPIENT_WALLET,
    TREASURY_SHORT).
    """
    deployment = current_deployment()
    if deployment is None:
        raise ApplicationError(NO_DEPLOYMENT)
    proposer = prize_inputs.wallet_address_of(created_by)
    if proposer is None:
        raise PermissionDenied(NOT_A_MEMBER)
    work = _published_work(challenge, work_kind, work_id)
    if not 0 < amount <= challenge.prize_pool:
        raise ApplicationError(BAD_AMOUNT, field="amount")
    recipient = prize_inputs.wallet_address_of(work["author_user"])
    if recipient is None:
        raise ApplicationError(NO_RECIPIENT_WALLET)
    recipient = Web3.to_checksum_address(recipient)
    awarded = {k: work[k] for k in ("kind", "id", "title", "author", "url")}
    existing = _same_draft(challenge, created_by, awarded, amount)
    if existing is not None:
        return existing
    token = Erc20(client or chain_client(), deployment.prize_token)
    treasury_balance = token.balance_of(deployment.timelock)
    if treasury_balance < amount:
        raise ApplicationError(TREASURY_SHORT, field="amount")
    action = token.transfer_action(to=recipient, amount=amount)
    entry = {
        "rank": 0,
        "kind": "progress",
        "user_id": work["author_user"].pk,
        "username": work["author"],
        "address": recipient,
        "amount": str(amount),
        "works": [{"kind": work["kind"], "id": work["id"], "level": 0, "amount": str(amount)}],
    }
    text = _description(challenge, awarded, entry, created_by, proposer, deployment.timelock)
    return PrizeProposalDraft.objects.create(
        **_not_an_escrow_award(),
        kind=PrizeProposalDraft.Kind.PROGRESS,
        challenge=challenge,
        deployment=deployment,
        created_by=created_by,
        awarded_work=awarded,
        pool=treasury_balance,  # what the treasury held when drafted
        recipients=[entry],
        target=action.target,
        call_data="0x" + action.calldata.hex(),
        text=text,
    )


def _not_an_escrow_award() -> dict[str, Any]:
    # The escrow and attestation fields of a final award, empty: the treasury pays a progress prize.
    return {
        "escrow_challenge_id": 0,
        "spec_hash": "",
        "results_hash": "",
        "leaderboard_url": "",
        "leaderboard_sha256": "",
        "attestation": {},
        "split": [],
        "claim_window": 0,
    }


def _same_draft(
    challenge: Challenge, created_by: Any, awarded: dict[str, Any], amount: int
) -> PrizeProposalDraft | None:
    # A second click on "Draft" must not make a second proposal of the same prize.
    drafts = PrizeProposalDraft.objects.filter(
        kind=PrizeProposalDraft.Kind.PROGRESS,
        challenge=challenge,
        created_by=created_by,
        status=PrizeProposalDraft.Status.DRAFT,
        awarded_work__kind=awarded["kind"],
        awarded_work__id=awarded["id"],
    )
    return next((d for d in drafts if d.recipients[0]["amount"] == str(amount)), None)


def _published_work(challenge: Challenge, kind: str, work_id: int) -> dict[str, Any]:
    # The one citable rule: a progress prize goes only to work anyone may read and build on.
    if kind == "submission":
        submission = citable_submissions().filter(challenge=challenge, pk=work_id).first()
        if submission is not None:
            url = reverse("bounties:submission-detail", args=[submission.pk])
            title, author = submission.title or f"Submission #{submission.pk}", submission.contributor
            return _work(kind, submission.pk, title, author, url)
    if kind == "clue":
        clue = citable_clues().filter(challenge=challenge, pk=work_id).first()
        if clue is not None:
            url = reverse("bounties:clue-detail", args=[clue.pk])
            return _work(kind, clue.pk, clue.title, clue.author, url)
    raise ApplicationError(NOT_CITABLE, field="work")


def _work(kind: str, pk: int, title: str, author: Any, url: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "id": pk,
        "title": title,
        "author": author.get_username(),
        "author_user": author,
        "url": url,
    }


def _plain(text: str) -> str:
    # Titles and names are other people's text: in the proposal's markdown they stay plain words.
    return re.sub(r"[^\w .,:;!?'()/-]", "", text).strip()[:120]


def _description(
    challenge: Challenge,
    work: dict[str, Any],
    entry: dict[str, Any],
    created_by: Any,
    proposer: str,
    treasury: str,
) -> str:
    return (
        f"# Progress prize: {_plain(challenge.title)}\n\n"
        f"Pays {entry['amount']} base units of the prize token from the DAO treasury ({treasury}) to "
        f"{_plain(entry['username'])} ({entry['address']}) for {work['kind']} #{work['id']} "
        f'"{_plain(work["title"])}" of challenge `{challenge.slug}`.\n\n'
        "## Evidence\n\n"
        f"- The work: {work['url']}\n"
        f"- The challenge's lineage (who built on it): {reverse('bounties:challenge-lineage', args=[challenge.slug])}\n"
        f"- Drafted by {_plain(created_by.get_username())} ({Web3.to_checksum_address(proposer)})"
    )
