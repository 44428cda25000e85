"""Typed wrapper for PrizeEscrow: challenges, funding, commitments, attestations, awards and payouts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from web3 import Web3
from web3.logs import DISCARD
from web3.types import TxReceipt

from governance.chain.attestations import (
    Attestation,
    attestation_document,
    ordered_signatures,
    sign_attestation_document,
)
from governance.chain.client import ChainClient
from governance.chain.eip712 import Eip712Domain, read_domain, recover_signer
from governance.chain.governor import ProposalAction
from governance.chain.merkle import SubmissionBatch, build_batch


class ChallengeState(IntEnum):
    """PrizeEscrow.State; CLOSED is derived on-chain from the submission deadline."""

    NONE = 0
    OPEN = 1
    CLOSED = 2
    ATTESTED = 3
    AWARDED = 4
    FINALIZED = 5
    CANCELLED = 6


@dataclass(frozen=True)
class ChallengeRecord:
    """Everything the escrow stores about one challenge (state as stored: never CLOSED)."""

    spec_hash: bytes
    results_hash: bytes
    escrowed: int
    awarded: int
    claimed: int
    refunded: int
    swept: int
    submission_deadline: int
    award_deadline: int
    claim_deadline: int  # as the award set it; `PrizeEscrow.claim_deadline` adds the time paused since
    stored_state: ChallengeState
    refunded_funding: int
    paused_at_award: int
    round: int

    @property
    def outstanding(self) -> int:
        """What the escrow still holds for this challenge."""
        return self.escrowed - self.claimed - self.refunded - self.swept


class PrizeEscrow:
    """The escrow that holds every challenge's prize pool."""

    def __init__(self, client: ChainClient, address: str) -> None:
        self.client = client
        self.address: ChecksumAddress = Web3.to_checksum_address(address)
        self.contract = client.contract("PrizeEscrow", self.address)
        self._domain: Eip712Domain | None = None

    # ------------------------------------------------------------ actions anyone can take

    def create_challenge(
        self, *, sender: LocalAccount, spec_hash: bytes, submission_deadline: int, award_deadline: int
    ) -> int:
        """Open a challenge; returns its id. Raises ContractRevertError (InvalidDeadlines)."""
        call = self.contract.functions.createChallenge(spec_hash, submission_deadline, award_deadline)
        receipt = self.client.transact(call, sender=sender)
        (event,) = self.contract.events.ChallengeCreated().process_receipt(receipt, errors=DISCARD)
        return int(event["args"]["id"])

    def fund(self, *, sender: LocalAccount, challenge_id: int, amount: int) -> TxReceipt:
        """Add to a challenge's pool (approve the escrow for `amount` first)."""
        return self.client.transact(self.contract.functions.fund(challenge_id, amount), sender=sender)

    def commit(
        self, *, sender: LocalAccount, challenge_id: int, submission_hashes: Sequence[bytes]
    ) -> SubmissionBatch:
        """Commit a batch of submission hashes in one transaction (the Merkle root); returns the batch,
        whose proofs each submission keeps. Raises ContractRevertError (AlreadyCommitted, WrongState)."""
        batch = build_batch(submission_hashes)
        self.client.transact(self.contract.functions.commit(challenge_id, batch.root), sender=sender)
        return batch

    def attest_results(
        self,
        *,
        sender: LocalAccount,
        challenge_id: int,
        results_hash: bytes,
        attestations: Sequence[Attestation],
    ) -> TxReceipt:
        """Relay evaluator attestations, each checked and ordered by signer as the contract requires.

        Raises AttestationSignerMismatchError (nothing sent) when a key's signature is not its evaluator's.
        """
        document = self.attestation_typed_data(challenge_id=challenge_id, results_hash=results_hash)
        signers, signatures = ordered_signatures(self.client, document, attestations)
        call = self.contract.functions.attestResults(challenge_id, results_hash, signers, signatures)
        return self.client.transact(call, sender=sender)

    def claim(self, *, sender: LocalAccount, challenge_id: int, account: str) -> TxReceipt:
        """Pay `account` its prize (the sender only pays the gas)."""
        return self.client.transact(self.contract.functions.claim(challenge_id, account), sender=sender)

    def claim_batch(self, *, sender: LocalAccount, challenge_id: int, accounts: Sequence[str]) -> TxReceipt:
        """Pay several winners at once; failed transfers stay owed and emit ClaimFailed."""
        call = self.contract.functions.claimBatch(challenge_id, list(accounts))
        return self.client.transact(call, sender=sender)

    def cancel(self, *, sender: LocalAccount, challenge_id: int) -> TxReceipt:
        """Cancel an unawarded challenge (anyone, once its award deadline passed)."""
        return self.client.transact(self.contract.functions.cancel(challenge_id), sender=sender)

    def refund(self, *, sender: LocalAccount, challenge_id: int, funder: str) -> TxReceipt:
        """Pay a funder back: all of it after a cancel, its share of the unawarded rest after an award."""
        return self.client.transact(self.contract.functions.refund(challenge_id, funder), sender=sender)

    def sweep_unclaimed(self, *, sender: LocalAccount, challenge_id: int) -> TxReceipt:
        """After the claim window, send the prizes nobody claimed to the treasury."""
        return self.client.transact(self.contract.functions.sweepUnclaimed(challenge_id), sender=sender)

    def pause(self, *, sender: LocalAccount) -> TxReceipt:
        """Pause funding and payouts (guardian); raises ContractRevertError (PauseCoolingDown)."""
        return self.client.transact(self.contract.functions.pause(), sender=sender)

    # ------------------------------------------------------------ actions for proposals (timelock only)

    def award_action(
        self,
        *,
        challenge_id: int,
        results_hash: bytes,
        recipients: Sequence[str],
        amounts: Sequence[int],
        claim_window: int,
    ) -> ProposalAction:
        """The proposal action that awards a challenge's prizes."""
        args = [challenge_id, results_hash, list(recipients), list(amounts), claim_window]
        return self._action("award", args)

    def cancel_action(self, *, challenge_id: int) -> ProposalAction:
        """The proposal action that cancels a challenge."""
        return self._action("cancel", [challenge_id])

    def set_evaluators_action(self, *, evaluators: Sequence[str], threshold: int) -> ProposalAction:
        """The proposal action that replaces the evaluator set."""
        return self._action("setEvaluators", [list(evaluators), threshold])

    def unpause_action(self) -> ProposalAction:
        """The proposal action that lifts a pause."""
        return self._action("unpause", [])

    def reopen_results_action(self, *, challenge_id: int) -> ProposalAction:
        """The proposal action that sends attested results back for a corrected leaderboard (new round)."""
        return self._action("reopenResults", [challenge_id])

    def skim_action(self) -> ProposalAction:
        """The proposal action that sends tokens held above what the escrow owes to the treasury."""
        return self._action("skim", [])

    def _action(self, function: str, args: list[Any]) -> ProposalAction:
        calldata = self.contract.encode_abi(function, args=args)
        return ProposalAction(target=self.address, calldata=bytes.fromhex(calldata.removeprefix("0x")))

    # ------------------------------------------------------------ attestations

    def attestation_typed_data(self, *, challenge_id: int, results_hash: bytes) -> dict[str, Any]:
        """The EIP-712 document evaluators sign for these results, in the challenge's current round."""
        record = self.challenge(challenge_id)
        return attestation_document(
            self.domain(),
            challenge_id=challenge_id,
            round_=record.round,
            results_hash=results_hash,
            spec_hash=record.spec_hash,
        )

    def domain(self) -> Eip712Domain:
        """The escrow's EIP-712 domain, read from the chain once (it is fixed at deployment)."""
        if self._domain is None:
            self._domain = read_domain(self.client, self.contract)
        return self._domain

    def sign_attestation(
        self,
        *,
        evaluator: LocalAccount,
        challenge_id: int,
        results_hash: bytes,
        spec_hash: bytes,
        wallet: str | None = None,
    ) -> Attestation:
        """Sign these results as `evaluator` (the evaluator service holds the key), for its contract
        `wallet` if it signs through one. Raises SpecHashMismatchError, signing nothing, when the chain
        commits another spec than the platform's own `spec_hash`."""
        document = self.attestation_typed_data(challenge_id=challenge_id, results_hash=results_hash)
        return sign_attestation_document(document, evaluator=evaluator, spec_hash=spec_hash, wallet=wallet)

    def attestation_signer(
        self, *, challenge_id: int, results_hash: bytes, signature: bytes
    ) -> ChecksumAddress:
        """Who signed an attestation; check it is an evaluator before relaying."""
        document = self.attestation_typed_data(challenge_id=challenge_id, results_hash=results_hash)
        return recover_signer(document, signature)

    # ------------------------------------------------------------ reads

    def events(self, receipt: TxReceipt, event_name: str) -> list[dict[str, Any]]:
        """Arguments of every `event_name` the escrow emitted in the transaction of `receipt`."""
        event = self.contract.events[event_name]()
        return [dict(log["args"]) for log in event.process_receipt(receipt, errors=DISCARD)]

    def state(self, challenge_id: int) -> ChallengeState:
        """The challenge's state now (CLOSED once the submission deadline passed)."""
        return ChallengeState(self.client.call(self.contract.functions.stateOf(challenge_id)))

    def challenge(self, challenge_id: int) -> ChallengeRecord:
        """Every stored field; raises ContractRevertError (ChallengeNotFound) for unknown ids."""
        raw = self.client.call(self.contract.functions.getChallenge(challenge_id))
        spec, results, escrowed, awarded, claimed, refunded, swept, submission, award, claim, state = raw[:11]
        refunded_funding, paused_at_award, round_ = raw[11:]
        return ChallengeRecord(
            spec_hash=bytes(spec),
            results_hash=bytes(results),
            escrowed=escrowed,
            awarded=awarded,
            claimed=claimed,
            refunded=refunded,
            swept=swept,
            submission_deadline=submission,
            award_deadline=award,
            claim_deadline=claim,
            stored_state=ChallengeState(state),
            refunded_funding=refunded_funding,
            paused_at_award=paused_at_award,
            round=round_,
        )

    def owed(self, *, challenge_id: int, account: str) -> int:
        """What `account` can still claim from the challenge."""
        return int(self.client.call(self.contract.functions.owed(challenge_id, account)))

    def funded(self, *, challenge_id: int, funder: str) -> int:
        """What `funder` put in and has not been refunded."""
        return int(self.client.call(self.contract.functions.funded(challenge_id, funder)))

    def refundable(self, *, challenge_id: int, funder: str) -> int:
        """What `refund` would pay `funder` now."""
        return int(self.client.call(self.contract.functions.refundable(challenge_id, funder)))

    def claim_deadline(self, challenge_id: int) -> int:
        """The last second winners can claim: the award's deadline plus every second paused since."""
        return int(self.client.call(self.contract.functions.claimDeadlineOf(challenge_id)))

    def commitment_time(
        self, *, challenge_id: int, committer: str, submission_hash: bytes, batch: SubmissionBatch
    ) -> int:
        """When `committer` committed `submission_hash` in `batch`, proven on chain (0: not so committed)."""
        call = self.contract.functions.commitmentTime(
            challenge_id, committer, submission_hash, batch.root, list(batch.proofs.get(submission_hash, ()))
        )
        return int(self.client.call(call))

    def committed_at(self, *, challenge_id: int, committer: str, root: bytes) -> int:
        """When `committer` committed Merkle `root` to the challenge (0: never)."""
        call = self.contract.functions.committedAt(challenge_id, Web3.to_checksum_address(committer), root)
        return int(self.client.call(call))

    def governance_cycle(self) -> int:
        """Seconds an award deadline must leave after the submission deadline (delays of the vote)."""
        return int(self.client.call(self.contract.functions.governanceCycle()))

    def total_held(self) -> int:
        """What the escrow owes across all challenges."""
        return int(self.client.call(self.contract.functions.totalHeld()))

    def evaluators(self) -> list[ChecksumAddress]:
        """The current evaluator set."""
        return [Web3.to_checksum_address(a) for a in self.client.call(self.contract.functions.evaluators())]

    def evaluator_threshold(self) -> int:
        """How many evaluators must sign an attestation."""
        return int(self.client.call(self.contract.functions.evaluatorThreshold()))

    def paused(self) -> bool:
        """Whether funding and payouts are paused now."""
        return bool(self.client.call(self.contract.functions.paused()))

    def next_pause_at(self) -> int:
        """The earliest time the guardian may pause again."""
        return int(self.client.call(self.contract.functions.nextPauseAt()))

    def challenge_count(self) -> int:
        """How many challenges were created (ids run from 1)."""
        return int(self.client.call(self.contract.functions.challengeCount()))

    def owner(self) -> ChecksumAddress:
        """The owner (the timelock)."""
        return self._address_of("owner")

    def treasury(self) -> ChecksumAddress:
        """Where swept prizes go (the timelock)."""
        return self._address_of("treasury")

    def guardian(self) -> ChecksumAddress:
        """Who may pause."""
        return self._address_of("guardian")

    def token(self) -> ChecksumAddress:
        """The prize token."""
        return self._address_of("token")

    def pending_owner(self) -> ChecksumAddress:
        """Who was offered ownership and has not accepted yet (zero address if nobody)."""
        return self._address_of("pendingOwner")

    def _address_of(self, getter: str) -> ChecksumAddress:
        return Web3.to_checksum_address(self.client.call(self.contract.get_function_by_name(getter)()))
