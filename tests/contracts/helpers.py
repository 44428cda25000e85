"""Shared set-up for the contract tests: who is who, the deployed DAO, and a proposal runner."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

import pytest
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3 import Web3

from governance.chain.anvil import DevChain
from governance.chain.attestations import Attestation
from governance.chain.client import ChainClient
from governance.chain.deploy import TOKEN_UNIT, Deployment, GovernanceParams, deploy_contracts
from governance.chain.errors import ContractRevertError
from governance.chain.escrow import PrizeEscrow
from governance.chain.governor import Governor, Proposal, ProposalAction, VoteSupport
from governance.chain.timelock import Timelock
from governance.chain.token import Erc20, GovernanceToken

MEMBER_STAKE = 200_000 * TOKEN_UNIT  # five members: 1,000,000 CLUE beside the treasury's 1,500,000
PRIZE = 1_000 * TOKEN_UNIT
TEST_PARAMS_EVALUATOR_THRESHOLD = 2
CLAIM_WINDOW = 30 * 24 * 3600


@dataclass(frozen=True)
class Actors:
    """The accounts the tests play, all from anvil's development mnemonic."""

    deployer: LocalAccount
    members: tuple[LocalAccount, ...]
    evaluators: tuple[LocalAccount, ...]
    guardian: LocalAccount
    relayer: LocalAccount
    funders: tuple[LocalAccount, ...]
    outsider: LocalAccount

    @classmethod
    def from_accounts(cls, accounts: Sequence[LocalAccount]) -> Actors:
        """Assign roles to the first 15 accounts."""
        return cls(
            deployer=accounts[0],
            members=tuple(accounts[1:6]),
            evaluators=tuple(accounts[6:9]),
            guardian=accounts[9],
            relayer=accounts[10],
            funders=tuple(accounts[11:14]),
            outsider=accounts[14],
        )


@dataclass
class Dao:
    """A deployed contract set with typed wrappers and the helpers to drive a proposal to execution."""

    client: ChainClient
    chain: DevChain
    deployment: Deployment
    params: GovernanceParams
    actors: Actors

    @classmethod
    def deploy(cls, client: ChainClient, chain: DevChain, actors: Actors) -> Dao:
        """The full set, deployed and wired as production would be, with members self-delegated.

        The one recipe of the contract and governance suites' `dao` fixtures, whatever their scope.
        """
        params = GovernanceParams(
            evaluators=tuple(e.address for e in actors.evaluators),
            evaluator_threshold=TEST_PARAMS_EVALUATOR_THRESHOLD,
            guardian=actors.guardian.address,
        )
        members: dict[str, int] = {member.address: MEMBER_STAKE for member in actors.members}
        deployment = deploy_contracts(client=client, deployer=actors.deployer, members=members, params=params)
        dao = cls(client, chain, deployment, params, actors)
        for member in actors.members:
            dao.token.delegate(sender=member, delegatee=member.address)
        chain.advance(1)  # propose() reads voting power one second back: let the delegations be in the past
        return dao

    @cached_property
    def token(self) -> GovernanceToken:
        return GovernanceToken(self.client, self.deployment.token)

    @cached_property
    def governor(self) -> Governor:
        return Governor(self.client, self.deployment.governor)

    @cached_property
    def timelock(self) -> Timelock:
        return Timelock(self.client, self.deployment.timelock)

    @cached_property
    def escrow(self) -> PrizeEscrow:
        return PrizeEscrow(self.client, self.deployment.escrow)

    def propose(self, actions: Sequence[ProposalAction], description: str) -> tuple[Proposal, int]:
        """Submit a proposal from the first member (its proposer suffix added); returns it and its id."""
        proposer = self.actors.members[0]
        proposal = Proposal.by(proposer.address, actions, description)
        return proposal, self.governor.propose(sender=proposer, proposal=proposal)

    def open_vote(self, proposal_id: int) -> None:
        """Move the clock just past the snapshot, so the vote is Active."""
        self.chain.advance_to(self.governor.proposal_snapshot(proposal_id) + 1)

    def close_vote(self, proposal_id: int) -> None:
        """Move the clock just past the (possibly extended) deadline."""
        self.chain.advance_to(self.governor.proposal_deadline(proposal_id) + 1)

    def pass_and_execute(self, actions: Sequence[ProposalAction], description: str) -> Proposal:
        """Propose, vote FOR with three members, queue, wait out the timelock and execute."""
        proposal, proposal_id = self.propose(actions, description)
        self.open_vote(proposal_id)
        for member in self.actors.members[:3]:
            self.governor.cast_vote(sender=member, proposal_id=proposal_id, support=VoteSupport.FOR)
        self.close_vote(proposal_id)
        self.governor.queue(sender=self.actors.relayer, proposal=proposal)
        self.chain.advance(self.params.timelock_delay + 1)
        self.governor.execute(sender=self.actors.relayer, proposal=proposal)
        return proposal


@dataclass
class EscrowLab:
    """A PrizeEscrow owned by a plain account standing in for the timelock, to test the escrow alone."""

    client: ChainClient
    chain: DevChain
    escrow: PrizeEscrow
    token: Erc20
    owner: LocalAccount
    actors: Actors

    def open_challenge(self, *, open_for: int = 3600, award_within: int = 7 * 86400) -> int:
        """Create a challenge (spec LAB_SPEC) whose submissions close in `open_for` seconds."""
        now = self.client.latest_timestamp()
        return self.escrow.create_challenge(
            sender=self.actors.outsider,
            spec_hash=LAB_SPEC,
            submission_deadline=now + open_for,
            award_deadline=now + open_for + award_within,
        )

    def fund(self, challenge_id: int, amount: int, *, funder: LocalAccount | None = None) -> None:
        """Mint test tokens to a funder and fund the challenge with them."""
        funder = funder or self.actors.funders[0]
        self.token.mint(sender=funder, to=funder.address, amount=amount)
        self.token.approve(sender=funder, spender=self.escrow.address, amount=amount)
        self.escrow.fund(sender=funder, challenge_id=challenge_id, amount=amount)

    def attest(
        self, challenge_id: int, results: bytes, *, signers: Sequence[LocalAccount] | None = None
    ) -> None:
        """Close submissions (time travel) and attest `results` with the first two evaluators."""
        deadline = self.escrow.challenge(challenge_id).submission_deadline
        if self.client.latest_timestamp() <= deadline:
            self.chain.advance_to(deadline + 1)
        chosen = signers if signers is not None else self.actors.evaluators[:TEST_PARAMS_EVALUATOR_THRESHOLD]
        self.escrow.attest_results(
            sender=self.actors.relayer,
            challenge_id=challenge_id,
            results_hash=results,
            attestations=self.attestations(challenge_id, results, chosen),
        )

    def attestations(
        self, challenge_id: int, results: bytes, signers: Sequence[LocalAccount]
    ) -> list[Attestation]:
        """Signatures of `signers` over `results`."""
        return [
            self.escrow.sign_attestation(
                evaluator=signer, challenge_id=challenge_id, results_hash=results, spec_hash=LAB_SPEC
            )
            for signer in signers
        ]

    def relay_attestation(
        self, challenge_id: int, results: bytes, signers: Sequence[str], signatures: Sequence[bytes]
    ) -> None:
        """Send signers and signatures exactly as given, past the wrapper's own checks (forgery tests)."""
        call = self.escrow.contract.functions.attestResults(
            challenge_id, results, list(signers), list(signatures)
        )
        self.client.transact(call, sender=self.actors.relayer)

    def award(
        self, challenge_id: int, results: bytes, payouts: dict[str, int], *, window: int = CLAIM_WINDOW
    ) -> None:
        """Award as the timelock would after a vote (the stand-in owner calls the escrow directly)."""
        self.as_owner("award", challenge_id, results, list(payouts), list(payouts.values()), window)

    def as_owner(self, function: str, *args: object) -> None:
        """Call an owner-only escrow function from the stand-in owner."""
        self.client.transact(self.escrow.contract.get_function_by_name(function)(*args), sender=self.owner)


def spec_hash(label: str) -> bytes:
    """A stand-in spec commitment."""
    return keccak(text=f"spec:{label}")


LAB_SPEC = spec_hash("spec")  # the spec of every challenge an EscrowLab opens


def results(label: str) -> bytes:
    """A stand-in results hash (keccak of a leaderboard)."""
    return keccak(text=f'{{"leaderboard":"{label}"}}')


def fresh_address(label: str) -> str:
    """A deterministic address nobody holds a key for (a new token holder)."""
    return Web3.to_checksum_address(keccak(text=f"address:{label}")[-20:])


@contextmanager
def reverts(error_name: str) -> Iterator[pytest.ExceptionInfo[ContractRevertError]]:
    """Expect a ContractRevertError carrying the custom error `error_name`."""
    with pytest.raises(ContractRevertError) as info:
        yield info
    assert info.value.name == error_name, str(info.value)
