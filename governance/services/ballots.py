"""Relayed votes: a ballot signed in the browser is checked, stored, then sent by the relayer.

Every check of CONTRACTS.md "Relaying signed ballots" runs before any gas is paid: the signer is the
voter (against the domain the governor reports), the vote is open, the voter has not voted, the nonce is
the voter's next for this proposal, the voter had voting power at the snapshot, and the call succeeds in
an eth_call from the relayer. One ballot per proposal and voter is ever relayed, so a voter's relay cost
is bounded by the number of proposals (each needs a proposer above the threshold): no further budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from eth_typing import ChecksumAddress

from bounties.errors import ApplicationError
from governance.chain.client import ChainClient
from governance.chain.eip712 import recover_signer
from governance.chain.errors import ContractRevertError
from governance.chain.governor import Ballot, Governor, ProposalState, VoteSupport
from governance.chain.token import GovernanceToken
from governance.models import ChainDeployment, OutgoingTransaction, RelayedBallot, SenderRole
from governance.services.connection import chain_client, platform_account
from governance.services.outbox import outgoing_transaction_enqueue
from governance.services.relaying import (
    CHAIN_DOWN,
    CHAIN_ERRORS,
    ChainUnavailable,
    RelayRefused,
    cached_domain,
    parse_address,
    parse_signature,
    parse_uint,
    signature_hex,
    simulate,
)

MAX_REASON_LENGTH = 2000

# The fixed messages a voter can get back; nothing a node or a wallet says is shown as it is.
FORGED = "The signature is not this voter's for this governor on this chain. Nothing was sent."
NOT_OPEN_YET = "Voting on this proposal has not opened yet. Nothing was sent."
CLOSED = "Voting on this proposal is closed. Nothing was sent."
ALREADY_VOTED = "This address has already voted on this proposal. Nothing was sent."
STALE_NONCE = "The ballot's nonce is not the voter's next one (signed twice, or replayed). Nothing was sent."
NO_POWER = (
    "This address had no voting power when the vote opened, so the ballot would not count. Nothing was sent."
)
WOULD_REVERT = "The governor would refuse this ballot: {}. Nothing was sent."


@dataclass(frozen=True)
class SignedBallot:
    """A ballot as the browser sent it, parsed: typed values only past this point."""

    ballot: Ballot
    signature: bytes


def signed_ballot_parse(*, proposal_id: Any, data: dict[str, Any]) -> SignedBallot:
    """Parse a browser's JSON (voter, support, reason, nonce, signature); raises ApplicationError."""
    # Trust boundary: the request body is whatever a browser (or anyone) sent.
    support = data.get("support")
    if isinstance(support, bool) or support not in (0, 1, 2):
        raise ApplicationError("Support is 0 (against), 1 (for) or 2 (abstain).", field="support")
    reason = data.get("reason")
    if reason is not None and (not isinstance(reason, str) or len(reason) > MAX_REASON_LENGTH):
        raise ApplicationError(f"A reason is text of at most {MAX_REASON_LENGTH} characters.", field="reason")
    ballot = Ballot(
        proposal_id=parse_uint(proposal_id, field="proposal_id"),
        support=VoteSupport(support),
        voter=parse_address(data.get("voter"), field="voter"),
        nonce=parse_uint(data.get("nonce"), field="nonce"),
        reason=reason,
    )
    return SignedBallot(ballot, parse_signature(data.get("signature")))


def ballot_typed_data(
    *,
    deployment: ChainDeployment,
    proposal_id: int,
    voter: str,
    support: VoteSupport = VoteSupport.FOR,
    reason: str | None = None,
    client: ChainClient | None = None,
) -> dict[str, Any]:
    """The EIP-712 document the voter's wallet signs, with the domain read from the governor and the
    voter's next keyed nonce. Raises ChainUnavailable when the node cannot be asked."""
    client = client or chain_client()
    governor = Governor(client, deployment.governor)
    try:
        domain = cached_domain(client, governor.contract)
        nonce = governor.ballot_nonce(voter=voter, proposal_id=proposal_id)
    except CHAIN_ERRORS as error:
        raise ChainUnavailable(CHAIN_DOWN) from error
    return Ballot(proposal_id, support, parse_address(voter, field="voter"), nonce, reason).typed_data(domain)


def ballot_relay(
    *,
    deployment: ChainDeployment,
    signed: SignedBallot,
    submitted_by: Any = None,
    client: ChainClient | None = None,
) -> RelayedBallot:
    """Check a signed ballot, store it and hand it to the outbox; raises RelayRefused (nothing stored or
    sent) for a forged, late, duplicate, replayed or powerless ballot.

    Sending the identical ballot again returns the stored row. When the node cannot be reached, a ballot
    whose signature checks out against the governor's remembered domain is stored as AWAITING_CHAIN and
    relayed by `ballots_relay_waiting` once the chain is back; raises ChainUnavailable if even the
    domain was never read.
    """
    client = client or chain_client()
    ballot = signed.ballot
    existing = RelayedBallot.objects.filter(
        deployment=deployment, proposal_id=str(ballot.proposal_id), voter=ballot.voter
    ).first()
    if existing is not None:
        if existing.signature == signature_hex(signed.signature):
            return existing  # the same ballot sent twice (a retry): one row, one transaction
        raise RelayRefused(ALREADY_VOTED)
    governor = Governor(client, deployment.governor)
    relayer = _relayer_address()  # a missing key is a configuration error, not a chain outage
    _check_signer(client, governor, signed)
    try:
        _check_on_chain(client, governor, deployment, signed, relayer)
    except ContractRevertError as error:  # e.g. no such proposal
        raise RelayRefused(WOULD_REVERT.format(error.revert.message)) from error
    except CHAIN_ERRORS:  # the node went away after the domain: keep the ballot, check it later
        return _store(deployment, signed, submitted_by, RelayedBallot.Status.AWAITING_CHAIN)
    return _store(deployment, signed, submitted_by, RelayedBallot.Status.RELAYING)


def _check_signer(client: ChainClient, governor: Governor, signed: SignedBallot) -> None:
    domain = cached_domain(client, governor.contract)
    try:
        signer = recover_signer(signed.ballot.typed_data(domain), signed.signature)
    except Exception as error:  # a malformed signature (bad s or v) recovers nobody
        raise RelayRefused(FORGED) from error
    if signer != signed.ballot.voter and _has_no_code(client, signed.ballot.voter):
        raise RelayRefused(FORGED)
    # A contract wallet (ERC-1271) signs through its own rules, which no local recovery can know: the
    # governor checks it with SignatureChecker, and the eth_call simulation below runs exactly that.


def _has_no_code(client: ChainClient, address: str) -> bool:
    try:
        return client.code_size(address) == 0
    except CHAIN_ERRORS as error:  # cannot tell a contract wallet from a forgery without the node
        raise ChainUnavailable(CHAIN_DOWN) from error


def _check_on_chain(
    client: ChainClient,
    governor: Governor,
    deployment: ChainDeployment,
    signed: SignedBallot,
    relayer: ChecksumAddress,
) -> None:
    ballot = signed.ballot
    state = governor.state(ballot.proposal_id)
    if state == ProposalState.PENDING:
        raise RelayRefused(NOT_OPEN_YET)
    if state != ProposalState.ACTIVE:
        raise RelayRefused(CLOSED)
    if governor.has_voted(proposal_id=ballot.proposal_id, voter=ballot.voter):
        raise RelayRefused(ALREADY_VOTED)
    if governor.ballot_nonce(voter=ballot.voter, proposal_id=ballot.proposal_id) != ballot.nonce:
        raise RelayRefused(STALE_NONCE)
    snapshot = governor.proposal_snapshot(ballot.proposal_id)
    token = GovernanceToken(client, deployment.token)
    if token.get_past_votes(account=ballot.voter, timepoint=snapshot) == 0:
        raise RelayRefused(NO_POWER)
    function, args = ballot_call(signed)
    try:
        simulate(governor.contract.get_function_by_name(function)(*args), sender=relayer)
    except ContractRevertError as error:
        if error.name == "GovernorInvalidSignature":  # the nonce was checked above: the signer is wrong
            raise RelayRefused(FORGED) from error
        raise RelayRefused(WOULD_REVERT.format(error.revert.message)) from error


def ballot_call(signed: SignedBallot) -> tuple[str, list[Any]]:
    """The governor function and arguments that relay this ballot."""
    ballot, signature = signed.ballot, signed.signature
    if ballot.reason is None:
        return "castVoteBySig", [ballot.proposal_id, int(ballot.support), ballot.voter, signature]
    return "castVoteWithReasonAndParamsBySig", [
        ballot.proposal_id,
        int(ballot.support),
        ballot.voter,
        ballot.reason,
        b"",
        signature,
    ]


def _relayer_address() -> ChecksumAddress:
    return platform_account(SenderRole.RELAYER).address


def _store(
    deployment: ChainDeployment, signed: SignedBallot, submitted_by: Any, status: str
) -> RelayedBallot:
    ballot = signed.ballot
    try:
        with transaction.atomic():
            row = RelayedBallot.objects.create(
                deployment=deployment,
                proposal_id=str(ballot.proposal_id),
                voter=ballot.voter,
                support=int(ballot.support),
                reason=ballot.reason,
                nonce=str(ballot.nonce),
                signature=signature_hex(signed.signature),
                submitted_by=submitted_by if getattr(submitted_by, "pk", None) else None,
                status=status,
            )
            if status == RelayedBallot.Status.RELAYING:
                row.outgoing = _enqueue(deployment, signed)
                row.save(update_fields=["outgoing"])
    except IntegrityError as error:  # the same voter's other ballot was stored a moment earlier
        raise RelayRefused(ALREADY_VOTED) from error
    return row


def _enqueue(deployment: ChainDeployment, signed: SignedBallot) -> OutgoingTransaction:
    function, args = ballot_call(signed)
    return outgoing_transaction_enqueue(
        purpose=f"ballot:{deployment.pk}:{signed.ballot.proposal_id}:{signed.ballot.voter}",
        deployment=deployment,
        contract="ClueGovernor",
        function=function,
        args=args,
        sender_role=SenderRole.RELAYER,
    )


def ballots_relay_waiting(*, client: ChainClient | None = None) -> int:
    """Check every ballot stored while the chain was down and relay those that pass; returns how many
    were relayed. A ballot that fails a check now is marked REFUSED with its fixed message (the voter
    sees it); while the node is still unreachable, ballots keep waiting. Idempotent."""
    client = client or chain_client()
    relayer = _relayer_address()
    relayed = 0
    for row in RelayedBallot.objects.filter(status=RelayedBallot.Status.AWAITING_CHAIN).select_related(
        "deployment"
    ):
        signed = _signed_from_row(row)
        governor = Governor(client, row.deployment.governor)
        try:
            _check_on_chain(client, governor, row.deployment, signed, relayer)
        except (RelayRefused, ContractRevertError) as refusal:
            message = refusal.message if isinstance(refusal, RelayRefused) else CLOSED
            RelayedBallot.objects.filter(pk=row.pk, status=row.status).update(
                status=RelayedBallot.Status.REFUSED, refusal=message
            )
            continue
        except CHAIN_ERRORS:
            return relayed  # still down: try again on the next run
        with transaction.atomic():
            if RelayedBallot.objects.filter(pk=row.pk, status=row.status).update(
                status=RelayedBallot.Status.RELAYING, outgoing=_enqueue(row.deployment, signed)
            ):
                relayed += 1
    return relayed


def _signed_from_row(row: RelayedBallot) -> SignedBallot:
    ballot = Ballot(int(row.proposal_id), VoteSupport(row.support), row.voter, int(row.nonce), row.reason)  # type: ignore[arg-type]
    return SignedBallot(ballot, bytes.fromhex(row.signature[2:]))
