"""Gas of every step of a prize's life on anvil, and what paying a winner costs against a plain transfer.

Run from the repository root: `python benchmarks/gas.py`. The last line is
`ratio=<x>`: gas per recipient of paying a prize (the award's marginal cost per recipient plus the
per-recipient cost of a batch claim of 10) over the gas of a plain ERC20 transfer to a new holder,
both measured in this run with the same prize token; the goal is 1.3 or less.

The clock is moved to each phase's own deadlines, read from the chain for the latest proposal, so a slow
machine never finds a proposal still Pending or Active.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from web3 import Web3
from web3.types import TxReceipt

from governance.chain.anvil import AnvilProcess, DevChain, dev_accounts
from governance.chain.client import ChainClient
from governance.chain.deploy import TOKEN_UNIT, Deployment, GovernanceParams, deploy_contracts
from governance.chain.escrow import PrizeEscrow
from governance.chain.governor import Governor, Proposal, ProposalState, VoteSupport
from governance.chain.token import Erc20, GovernanceToken

AWARD_SIZES = (1, 10, 50)
BATCH = 10
COMMIT_BATCH = 100  # submission hashes under one committed Merkle root
PRIZE_PER_WINNER = 100 * TOKEN_UNIT
UNAWARDED = (
    100 * TOKEN_UNIT
)  # funded on top of the 10-winner prizes, so a funder has a remainder to take back
GOAL = 1.3


def gas(receipt: TxReceipt) -> int:
    return int(receipt["gasUsed"])


def report(name: str, value: int | float) -> None:
    print(f"{name:<34} {value:>12,.0f}" if isinstance(value, int) else f"{name:<34} {value:>12,.1f}")


def winners(size: int) -> list[str]:
    """Fresh addresses: every payout goes to a new token holder, the expensive case."""
    return [Web3.to_checksum_address(keccak(text=f"winner {size} {i}")[-20:]) for i in range(size)]


def deploy_gas(client: ChainClient, deployment: Deployment) -> None:
    """Gas of each deployment transaction and of the role wiring, from the blocks themselves."""
    names = {deployment.token: "ClueToken", deployment.timelock: "TimelockController"}
    names |= {deployment.governor: "ClueGovernor", deployment.escrow: "PrizeEscrow"}
    wiring = total = 0
    for number in range(deployment.first_block, client.block_number() + 1):
        for receipt in client.receipts_in_block(number):
            address = receipt["contractAddress"]
            total += gas(receipt)
            if address in names:
                report(f"deploy {names[address]}", gas(receipt))
            else:
                wiring += gas(receipt)
    report("deploy wiring (roles, renounce)", wiring)
    report("deploy total", total)


class Bench:
    """One DAO on a fresh anvil, with a plain ERC20 (a stablecoin stand-in) as the prize token."""

    def __init__(self, client: ChainClient, accounts: list[LocalAccount]) -> None:
        self.client, self.chain = client, DevChain(client)
        self.deployer, self.members, self.evaluators = accounts[0], accounts[1:6], accounts[6:9]
        self.relayer, self.sponsor = accounts[10], accounts[11]
        prize_token = client.deploy("PlainToken", sender=self.deployer)
        params = GovernanceParams(
            evaluators=tuple(e.address for e in self.evaluators),
            evaluator_threshold=2,
            prize_token=prize_token,
        )
        stakes: dict[str, int] = {m.address: 200_000 * TOKEN_UNIT for m in self.members}
        self.deployment = deploy_contracts(
            client=client, deployer=self.deployer, members=stakes, params=params
        )
        deploy_gas(client, self.deployment)
        self.params = params
        self.prize = Erc20(client, prize_token)
        self.votes = GovernanceToken(client, self.deployment.token)
        self.escrow = PrizeEscrow(client, self.deployment.escrow)
        self.governor = Governor(client, self.deployment.governor)
        for member in self.members:
            self.votes.delegate(sender=member, delegatee=member.address)
        self.prize.mint(sender=self.sponsor, to=self.sponsor.address, amount=10**9 * TOKEN_UNIT)
        self.prize.approve(sender=self.sponsor, spender=self.escrow.address, amount=10**9 * TOKEN_UNIT)

    def challenges(self) -> dict[int, int]:
        """One attested challenge per award size; reports fund, commit and attest gas."""
        now = self.client.latest_timestamp()
        ids: dict[int, int] = {}
        for size in AWARD_SIZES:
            ids[size] = self.escrow.create_challenge(
                sender=self.sponsor,
                spec_hash=keccak(text=f"spec {size}"),
                submission_deadline=now + 600,
                award_deadline=now + 30 * 86400,
            )
            extra = UNAWARDED if size == BATCH else 0
            receipt = self.escrow.fund(
                sender=self.sponsor, challenge_id=ids[size], amount=size * PRIZE_PER_WINNER + extra
            )
        report("fund", gas(receipt))
        self.commit(ids[1])
        self.chain.advance_to(max(self.escrow.challenge(i).submission_deadline for i in ids.values()) + 1)
        for size, challenge_id in ids.items():
            results = keccak(text=f"leaderboard {size}")
            signed = [
                self.escrow.sign_attestation(
                    evaluator=e,
                    challenge_id=challenge_id,
                    results_hash=results,
                    spec_hash=keccak(text=f"spec {size}"),
                )
                for e in self.evaluators[:2]
            ]
            receipt = self.escrow.attest_results(
                sender=self.relayer, challenge_id=challenge_id, results_hash=results, attestations=signed
            )
        report("attest (2 of 3 evaluators)", gas(receipt))
        return ids

    def commit(self, challenge_id: int) -> None:
        """One submission committed alone, then a batch of COMMIT_BATCH under one Merkle root."""
        escrow, platform = self.escrow, self.relayer
        escrow.commit(sender=platform, challenge_id=challenge_id, submission_hashes=[keccak(text="alone")])
        single = self.last_gas()
        hashes = [keccak(text=f"submission {i}") for i in range(COMMIT_BATCH)]
        escrow.commit(sender=platform, challenge_id=challenge_id, submission_hashes=hashes)
        batch = self.last_gas()
        report("commit (one submission)", single)
        report(f"commit (root of {COMMIT_BATCH} submissions)", batch)
        report("commit per batched submission", batch / COMMIT_BATCH)

    def last_gas(self) -> int:
        """Gas of the latest block's transaction (helpers that return no receipt)."""
        (receipt,) = self.client.receipts_in_block(self.client.block_number())
        return gas(receipt)

    def award_proposals(self, ids: dict[int, int]) -> dict[int, int]:
        """Propose, vote, queue and execute one award per size; returns execute gas by size."""
        proposals: dict[int, Proposal] = {}
        for size, challenge_id in ids.items():
            action = self.escrow.award_action(
                challenge_id=challenge_id,
                results_hash=keccak(text=f"leaderboard {size}"),
                recipients=winners(size),
                amounts=[PRIZE_PER_WINNER] * size,
                claim_window=30 * 86400,
            )
            proposals[size] = Proposal.by(
                self.members[0].address, [action], f"# Prize awards: {size} winners"
            )
            receipt = self.client.transact(
                self.governor.contract.functions.propose(
                    *proposals[size].call_lists(), proposals[size].description
                ),
                sender=self.members[0],
            )
        report("propose (award, 50 winners)", gas(receipt))
        proposal_ids = [self.governor.proposal_id(p) for p in proposals.values()]
        # Each phase waits for the latest proposal's own deadline, read from the chain.
        self.chain.advance_to(max(self.governor.proposal_snapshot(i) for i in proposal_ids) + 1)
        self.vote(proposals)
        self.chain.advance_to(max(self.governor.proposal_deadline(i) for i in proposal_ids) + 1)
        assert all(self.governor.state(i) == ProposalState.SUCCEEDED for i in proposal_ids)
        for proposal in proposals.values():
            queued = self.governor.queue(sender=self.relayer, proposal=proposal)
        report("queue", gas(queued))
        self.chain.advance_to(max(self.governor.proposal_eta(i) for i in proposal_ids) + 1)
        executed = {
            size: gas(self.governor.execute(sender=self.relayer, proposal=p)) for size, p in proposals.items()
        }
        for size, value in executed.items():
            report(f"execute award, {size} recipient(s)", value)
        return executed

    def vote(self, proposals: dict[int, Proposal]) -> None:
        """Direct votes and one relayed ballot per proposal; reports the first of each kind."""
        reported = False
        for proposal in proposals.values():
            proposal_id = self.governor.proposal_id(proposal)
            first = self.governor.cast_vote(
                sender=self.members[0], proposal_id=proposal_id, support=VoteSupport.FOR
            )
            later = self.governor.cast_vote(
                sender=self.members[1], proposal_id=proposal_id, support=VoteSupport.FOR
            )
            voter = self.members[2]
            ballot = self.governor.ballot_for(
                proposal_id=proposal_id, voter=voter.address, support=VoteSupport.FOR
            )
            signature = self.governor.sign_ballot(voter=voter, ballot=ballot)
            by_sig = self.governor.cast_vote_by_sig(relayer=self.relayer, ballot=ballot, signature=signature)
            if not reported:
                report("castVote (reaches quorum)", gas(first))
                report("castVote (after quorum)", gas(later))
                report("castVoteBySig (relayed)", gas(by_sig))
                reported = True

    def claims(self, ids: dict[int, int]) -> tuple[int, int]:
        """A single claim and a batch claim of 10, both to new holders; returns their gas."""
        single = gas(self.escrow.claim(sender=self.relayer, challenge_id=ids[1], account=winners(1)[0]))
        batch = gas(self.escrow.claim_batch(sender=self.relayer, challenge_id=ids[10], accounts=winners(10)))
        report("claim (relayed, new holder)", single)
        report("claimBatch of 10", batch)
        report("claimBatch per recipient", batch / BATCH)
        return single, batch

    def refund_remainder(self, ids: dict[int, int]) -> None:
        """The sponsor takes back what the 10-winner award left unawarded."""
        receipt = self.escrow.refund(
            sender=self.relayer, challenge_id=ids[BATCH], funder=self.sponsor.address
        )
        report("refund of the unawarded remainder", gas(receipt))

    def plain_transfer(self) -> int:
        """A plain ERC20 transfer of the prize token to a new holder."""
        receipt = self.prize.transfer(sender=self.sponsor, to=winners(999)[0], amount=PRIZE_PER_WINNER)
        report("ERC20 transfer to new holder", gas(receipt))
        return gas(receipt)


def main() -> None:
    with AnvilProcess(accounts=12) as client:
        bench = Bench(client, dev_accounts(12))
        ids = bench.challenges()
        executed = bench.award_proposals(ids)
        _, batch = bench.claims(ids)
        bench.refund_remainder(ids)
        transfer = bench.plain_transfer()
    award_marginal = (executed[50] - executed[10]) / (50 - 10)
    report("award marginal per recipient", award_marginal)
    per_recipient = award_marginal + batch / BATCH
    report("paying one recipient (award+claim)", per_recipient)
    ratio = per_recipient / transfer
    verdict = "within" if ratio <= GOAL else "ABOVE"
    print(
        f"gas per paid recipient {per_recipient:,.0f} = {ratio:.2f}x a plain ERC20 transfer to a new holder "
        f"({transfer:,}); goal <= {GOAL}x: {verdict}"
    )
    print(f"ratio={ratio:.3f}")


if __name__ == "__main__":
    main()
