"""Typed wrapper for the Clueboard governor: proposals, votes (direct and relayed), queue, execute."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from eth_utils import keccak
from web3 import Web3
from web3.types import TxReceipt

from governance.chain.client import ChainClient
from governance.chain.eip712 import Eip712Domain, read_domain, recover_signer, sign_typed_data, typed_data


class ProposalState(IntEnum):
    """OpenZeppelin's IGovernor.ProposalState, in its order."""

    PENDING = 0
    ACTIVE = 1
    CANCELED = 2
    DEFEATED = 3
    SUCCEEDED = 4
    QUEUED = 5
    EXPIRED = 6
    EXECUTED = 7


class VoteSupport(IntEnum):
    """GovernorCountingSimple's vote types."""

    AGAINST = 0
    FOR = 1
    ABSTAIN = 2


@dataclass(frozen=True)
class ProposalAction:
    """One call the timelock makes if the proposal passes."""

    target: ChecksumAddress
    calldata: bytes
    value: int = 0


def proposer_suffix(proposer: str) -> str:
    """OpenZeppelin's `#proposer=0x...` description suffix: only that account can submit the proposal."""
    return f"#proposer={Web3.to_checksum_address(proposer)}"


@dataclass(frozen=True)
class Proposal:
    """What is voted on: the exact calls and the description (its hash is part of the id)."""

    actions: tuple[ProposalAction, ...]
    description: str

    @classmethod
    def by(cls, proposer: str, actions: Sequence[ProposalAction], text: str) -> Proposal:
        """A proposal of `actions` described by `text`, which only `proposer` can submit.

        The description ends with the proposer suffix, so a copy of the pending transaction sent by
        someone else reverts (GovernorRestrictedProposer) instead of taking the proposal over, and so
        only `proposer` could cancel it.
        """
        return cls(tuple(actions), f"{text}\n\n{proposer_suffix(proposer)}")

    @property
    def description_hash(self) -> bytes:
        """keccak256 of the description, as `queue` and `execute` take it."""
        return keccak(text=self.description)

    def call_lists(self) -> tuple[list[ChecksumAddress], list[int], list[bytes]]:
        """Targets, values and calldatas as the governor's functions take them."""
        return (
            [action.target for action in self.actions],
            [action.value for action in self.actions],
            [action.calldata for action in self.actions],
        )


@dataclass(frozen=True)
class Ballot:
    """A vote to be signed by the voter and relayed by someone else."""

    proposal_id: int
    support: VoteSupport
    voter: ChecksumAddress
    nonce: int
    reason: str | None = None  # with a reason it is an ExtendedBallot

    def typed_data(self, domain: Eip712Domain) -> dict[str, object]:
        """The EIP-712 document a wallet signs (`Ballot`, or `ExtendedBallot` with a reason).

        The uint256 values are decimal strings: a proposal id or keyed nonce is past 2^53, where a JSON
        number loses digits in a browser, and eth_signTypedData_v4 and eth-account both read the digits.
        """
        fields = [
            {"name": "proposalId", "type": "uint256"},
            {"name": "support", "type": "uint8"},
            {"name": "voter", "type": "address"},
            {"name": "nonce", "type": "uint256"},
        ]
        message: dict[str, object] = {
            "proposalId": str(self.proposal_id),
            "support": int(self.support),
            "voter": self.voter,
            "nonce": str(self.nonce),
        }
        if self.reason is None:
            return typed_data(domain, "Ballot", fields, message)
        fields += [{"name": "reason", "type": "string"}, {"name": "params", "type": "bytes"}]
        return typed_data(domain, "ExtendedBallot", fields, message | {"reason": self.reason, "params": b""})


class Governor:
    """The DAO's governor contract."""

    def __init__(self, client: ChainClient, address: str) -> None:
        self.client = client
        self.address: ChecksumAddress = Web3.to_checksum_address(address)
        self.contract = client.contract("ClueGovernor", self.address)
        self._domain: Eip712Domain | None = None

    # ------------------------------------------------------------ proposals

    def proposal_id(self, proposal: Proposal) -> int:
        """The id the governor gives `proposal` (a hash of its calls and description)."""
        targets, values, calldatas = proposal.call_lists()
        call = self.contract.functions.hashProposal(targets, values, calldatas, proposal.description_hash)
        return int(self.client.call(call))

    def propose(self, *, sender: LocalAccount, proposal: Proposal) -> int:
        """Submit `proposal`; returns its id.

        Raises ValueError, sending nothing, when the description does not end with the sender's proposer
        suffix (build it with `Proposal.by`): without it, anyone could copy the pending transaction,
        become the proposer and cancel it. Raises ContractRevertError (e.g. it already exists, or the
        sender holds fewer votes than the proposal threshold).
        """
        if not proposal.description.endswith(proposer_suffix(sender.address)):
            raise ValueError(f"the description must end with {proposer_suffix(sender.address)}")
        targets, values, calldatas = proposal.call_lists()
        call = self.contract.functions.propose(targets, values, calldatas, proposal.description)
        self.client.transact(call, sender=sender)
        return self.proposal_id(proposal)

    def queue(self, *, sender: LocalAccount, proposal: Proposal) -> TxReceipt:
        """Queue a succeeded proposal in the timelock; anyone may."""
        targets, values, calldatas = proposal.call_lists()
        call = self.contract.functions.queue(targets, values, calldatas, proposal.description_hash)
        return self.client.transact(call, sender=sender)

    def execute(self, *, sender: LocalAccount, proposal: Proposal) -> TxReceipt:
        """Execute a queued proposal once the timelock delay passed; anyone may."""
        targets, values, calldatas = proposal.call_lists()
        call = self.contract.functions.execute(targets, values, calldatas, proposal.description_hash)
        return self.client.transact(call, sender=sender)

    def cancel(self, *, sender: LocalAccount, proposal: Proposal) -> TxReceipt:
        """Withdraw a proposal that is still Pending; only its proposer."""
        targets, values, calldatas = proposal.call_lists()
        call = self.contract.functions.cancel(targets, values, calldatas, proposal.description_hash)
        return self.client.transact(call, sender=sender)

    # ------------------------------------------------------------ votes

    def cast_vote(
        self, *, sender: LocalAccount, proposal_id: int, support: VoteSupport, reason: str = ""
    ) -> TxReceipt:
        """Vote directly (with an optional reason, shown to everyone)."""
        functions = self.contract.functions
        if reason:
            call = functions.castVoteWithReason(proposal_id, int(support), reason)
        else:
            call = functions.castVote(proposal_id, int(support))
        return self.client.transact(call, sender=sender)

    def cast_vote_by_sig(self, *, relayer: LocalAccount, ballot: Ballot, signature: bytes) -> TxReceipt:
        """Relay a signed ballot; the relayer pays the gas, the vote counts for `ballot.voter`.

        Raises ContractRevertError (e.g. GovernorInvalidSignature for a replayed or forged ballot).
        """
        functions = self.contract.functions
        support = int(ballot.support)
        if ballot.reason is None:
            call = functions.castVoteBySig(ballot.proposal_id, support, ballot.voter, signature)
        else:
            call = functions.castVoteWithReasonAndParamsBySig(
                ballot.proposal_id, support, ballot.voter, ballot.reason, b"", signature
            )
        return self.client.transact(call, sender=relayer)

    def ballot_for(
        self, *, proposal_id: int, voter: str, support: VoteSupport, reason: str | None = None
    ) -> Ballot:
        """A ballot carrying the voter's next nonce for this proposal (keyed nonces)."""
        voter_address = Web3.to_checksum_address(voter)
        nonce = self.ballot_nonce(voter=voter_address, proposal_id=proposal_id)
        return Ballot(proposal_id, support, voter_address, nonce, reason)

    def sign_ballot(self, *, voter: LocalAccount, ballot: Ballot) -> bytes:
        """Sign `ballot` with a local key (the browser wallet does this in production)."""
        return sign_typed_data(voter, ballot.typed_data(self.domain()))

    def ballot_signer(self, *, ballot: Ballot, signature: bytes) -> ChecksumAddress:
        """Who signed `ballot`: a relayer checks it equals `ballot.voter` before paying gas."""
        return recover_signer(ballot.typed_data(self.domain()), signature)

    def ballot_nonce(self, *, voter: str, proposal_id: int) -> int:
        """The voter's next nonce for ballots on this proposal (key = low 192 bits of the id)."""
        key = proposal_id & ((1 << 192) - 1)
        return int(self.client.call(self.contract.functions.nonces(voter, key)))

    def domain(self) -> Eip712Domain:
        """The governor's EIP-712 domain, read from the chain once (name, chain and address are fixed)."""
        if self._domain is None:
            self._domain = read_domain(self.client, self.contract)
        return self._domain

    # ------------------------------------------------------------ reads

    def state(self, proposal_id: int) -> ProposalState:
        """Where the proposal stands."""
        return ProposalState(self.client.call(self.contract.functions.state(proposal_id)))

    def proposal_snapshot(self, proposal_id: int) -> int:
        """Timestamp at which voting power is measured (the vote opens just after it)."""
        return int(self.client.call(self.contract.functions.proposalSnapshot(proposal_id)))

    def proposal_deadline(self, proposal_id: int) -> int:
        """Timestamp the vote closes (later if quorum came late)."""
        return int(self.client.call(self.contract.functions.proposalDeadline(proposal_id)))

    def proposal_votes(self, proposal_id: int) -> tuple[int, int, int]:
        """(against, for, abstain) weights so far."""
        against, in_favour, abstain = self.client.call(self.contract.functions.proposalVotes(proposal_id))
        return int(against), int(in_favour), int(abstain)

    def quorum(self, timepoint: int) -> int:
        """Votes needed at `timepoint`; raises ContractRevertError (ERC5805FutureLookup) for the future."""
        return int(self.client.call(self.contract.functions.quorum(timepoint)))

    def has_voted(self, *, proposal_id: int, voter: str) -> bool:
        """Whether `voter` has voted on the proposal."""
        return bool(self.client.call(self.contract.functions.hasVoted(proposal_id, voter)))

    def proposal_eta(self, proposal_id: int) -> int:
        """When a queued proposal becomes executable (0 if not queued)."""
        return int(self.client.call(self.contract.functions.proposalEta(proposal_id)))

    def proposal_threshold(self) -> int:
        """Votes an account needs to propose."""
        return int(self.client.call(self.contract.functions.proposalThreshold()))

    def execution_grace_period(self) -> int:
        """Seconds after its eta a queued proposal can still be executed; then it is Expired."""
        return int(self.client.call(self.contract.functions.executionGracePeriod()))

    def voting_delay(self) -> int:
        """Seconds from proposal to the snapshot."""
        return int(self.client.call(self.contract.functions.votingDelay()))

    def voting_period(self) -> int:
        """Seconds the vote stays open."""
        return int(self.client.call(self.contract.functions.votingPeriod()))

    def late_quorum_extension(self) -> int:
        """Seconds the deadline moves when quorum is reached late."""
        return int(self.client.call(self.contract.functions.lateQuorumVoteExtension()))

    def clock_mode(self) -> str:
        """ERC-6372 clock description; must equal the token's."""
        return str(self.client.call(self.contract.functions.CLOCK_MODE()))

    def timelock(self) -> ChecksumAddress:
        """The timelock that executes passed proposals."""
        return Web3.to_checksum_address(self.client.call(self.contract.functions.timelock()))
