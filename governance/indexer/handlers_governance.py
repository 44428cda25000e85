"""How the token's and the governor's events change the mirror."""

from __future__ import annotations

from governance.indexer.apply import MirrorBatch, event_fields, handles
from governance.indexer.decode import IndexedEvent
from governance.models import DelegateMirror, DelegationMirror, ProposalMirror, VoteMirror

_TALLY_FIELD = {0: "against_votes", 1: "for_votes", 2: "abstain_votes"}  # GovernorCountingSimple


@handles("ClueToken", "DelegateChanged")
def delegate_changed(batch: MirrorBatch, event: IndexedEvent) -> None:
    delegator, delegate = event.args["delegator"], event.args["toDelegate"]
    row = batch.delegations.get(delegator)
    if row is None:
        batch.delegations.add(
            DelegationMirror(
                deployment=batch.deployment, delegator=delegator, delegate=delegate, **event_fields(event)
            )
        )
        return
    row.delegate, row.tx_hash = delegate, event.tx_hash
    row.block_number, row.block_time = event.block_number, event.block_time
    batch.delegations.touch(row)


@handles("ClueToken", "DelegateVotesChanged")
def delegate_votes_changed(batch: MirrorBatch, event: IndexedEvent) -> None:
    address, power = event.args["delegate"], int(event.args["newVotes"])
    row = batch.delegates.get(address)
    if row is None:
        batch.delegates.add(
            DelegateMirror(
                deployment=batch.deployment,
                address=address,
                power=power,
                block_number=event.block_number,
                block_time=event.block_time,
            )
        )
        return
    row.power, row.block_number, row.block_time = power, event.block_number, event.block_time
    batch.delegates.touch(row)


@handles("ClueGovernor", "ProposalCreated")
def proposal_created(batch: MirrorBatch, event: IndexedEvent) -> None:
    args = event.args
    if batch.proposals.get(args["proposalId"]) is not None:
        return  # the governor refuses a second proposal with the same id; never overwrite the first
    actions = [
        {"target": target, "value": value, "signature": signature, "calldata": calldata}
        for target, value, signature, calldata in zip(
            args["targets"], args["values"], args["signatures"], args["calldatas"], strict=False
        )
    ]
    batch.proposals.add(
        ProposalMirror(
            deployment=batch.deployment,
            proposal_id=args["proposalId"],
            proposer=args["proposer"],
            description=args["description"],
            actions=actions,
            vote_start=int(args["voteStart"]),
            vote_end=int(args["voteEnd"]),
            created_tx=event.tx_hash,
            created_block=event.block_number,
            created_at=event.block_time,
        )
    )


@handles("ClueGovernor", "VoteCast", "VoteCastWithParams")
def vote_cast(batch: MirrorBatch, event: IndexedEvent) -> None:
    args = event.args
    proposal = batch.proposals.get(args["proposalId"])
    support, weight = int(args["support"]), int(args["weight"])
    if proposal is None or support not in _TALLY_FIELD:
        return
    field = _TALLY_FIELD[support]
    setattr(proposal, field, getattr(proposal, field) + weight)
    batch.proposals.touch(proposal)
    batch.add_child(
        VoteMirror(
            proposal=proposal,
            voter=args["voter"],
            support=support,
            weight=weight,
            reason=args["reason"],
            **event_fields(event),
        )
    )


@handles("ClueGovernor", "ProposalQueued", "ProposalExecuted", "ProposalCanceled")
def proposal_step(batch: MirrorBatch, event: IndexedEvent) -> None:
    proposal = batch.proposals.get(event.args["proposalId"])
    if proposal is None:
        return
    step = {"ProposalQueued": "queued", "ProposalExecuted": "executed", "ProposalCanceled": "canceled"}
    prefix = step[event.name]
    setattr(proposal, f"{prefix}_tx", event.tx_hash)
    setattr(proposal, f"{prefix}_block", event.block_number)
    setattr(proposal, f"{prefix}_at", event.block_time)
    if event.name == "ProposalQueued":
        proposal.eta = int(event.args["etaSeconds"])
    batch.proposals.touch(proposal)


@handles("ClueGovernor", "ProposalExtended")
def proposal_extended(batch: MirrorBatch, event: IndexedEvent) -> None:
    proposal = batch.proposals.get(event.args["proposalId"])
    if proposal is not None:
        proposal.extended_deadline = int(event.args["extendedDeadline"])
        batch.proposals.touch(proposal)
