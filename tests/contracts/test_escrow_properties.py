"""Stateful property tests: random fund/attest/award/claim/cancel/refund/sweep sequences keep the books.

A ghost ledger predicts every outcome; after each step the chain must agree with it and the invariants
of CONTRACTS.md must hold: the escrow holds exactly what it still owes, claimed <= awarded <= escrowed,
states only move forward, and nobody is paid more than they were awarded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from governance.chain.errors import ContractRevertError
from governance.chain.escrow import ChallengeState
from tests.contracts.helpers import EscrowLab, fresh_address, results

OPEN_FOR = 1_000
AWARD_WITHIN = 10 * 86_400
CLAIM_WINDOW = 5 * 86_400
# Time moves in jumps that never land within a few seconds of a deadline (see _near_deadline).
TIME_JUMPS = (600, 2_000, 3 * 86_400, 8 * 86_400)
BOUNDARY_MARGIN = 30
RECIPIENTS = tuple(fresh_address(f"recipient {i}") for i in range(4))
FORWARD = {
    ChallengeState.OPEN: 1,
    ChallengeState.CLOSED: 2,
    ChallengeState.ATTESTED: 3,
    ChallengeState.AWARDED: 4,
    ChallengeState.FINALIZED: 5,
    ChallengeState.CANCELLED: 6,
}


@dataclass
class GhostChallenge:
    """What the escrow should hold for one challenge."""

    submission_deadline: int
    award_deadline: int
    stored: ChallengeState = ChallengeState.OPEN
    escrowed: int = 0
    awarded: int = 0
    claimed: int = 0
    refunded: int = 0
    swept: int = 0
    claim_deadline: int = 0
    owed: dict[str, int] = field(default_factory=dict)
    funded: dict[str, int] = field(default_factory=dict)
    seen: ChallengeState = ChallengeState.OPEN

    def state_at(self, now: int) -> ChallengeState:
        if self.stored == ChallengeState.OPEN and now > self.submission_deadline:
            return ChallengeState.CLOSED
        return self.stored


class EscrowBooks(RuleBasedStateMachine):
    """Drives one PrizeEscrow through random sequences, checking it against a ghost ledger."""

    challenges = Bundle("challenges")

    def __init__(self, lab: EscrowLab) -> None:
        super().__init__()
        self.lab = lab
        self.snapshot = lab.chain.snapshot()
        self.ghosts: dict[int, GhostChallenge] = {}
        self.awarded_to: dict[str, int] = dict.fromkeys(RECIPIENTS, 0)
        self.paid_to: dict[str, int] = dict.fromkeys(RECIPIENTS, 0)

    def teardown(self) -> None:
        self.lab.chain.revert(self.snapshot)

    # ------------------------------------------------------------ helpers

    def _now(self) -> int:
        return self.lab.client.latest_timestamp()

    def _near_deadline(self, ghost: GhostChallenge) -> bool:
        now = self._now()
        deadlines = (ghost.submission_deadline, ghost.award_deadline, ghost.claim_deadline)
        return any(abs(now - d) < BOUNDARY_MARGIN for d in deadlines if d)

    def _attempt(self, ghost: GhostChallenge, expected_ok: bool, action: Callable[[], object]) -> bool:
        """Run `action`; it must succeed exactly when the ghost says so (unless at a deadline's edge)."""
        try:
            action()
            succeeded = True
        except ContractRevertError:
            succeeded = False
        if not self._near_deadline(ghost):
            assert succeeded == expected_ok, f"expected {'success' if expected_ok else 'revert'}"
        return succeeded

    # ------------------------------------------------------------ rules

    @rule(target=challenges)
    def create(self) -> int:
        challenge_id = self.lab.open_challenge(open_for=OPEN_FOR, award_within=AWARD_WITHIN)
        record = self.lab.escrow.challenge(challenge_id)
        self.ghosts[challenge_id] = GhostChallenge(record.submission_deadline, record.award_deadline)
        return challenge_id

    @rule(seconds=st.sampled_from(TIME_JUMPS))
    def wait(self, seconds: int) -> None:
        self.lab.chain.advance(seconds)

    @rule(challenge_id=challenges, funder=st.integers(0, 2), amount=st.integers(1, 10_000))
    def fund(self, challenge_id: int, funder: int, amount: int) -> None:
        ghost, account = self.ghosts[challenge_id], self.lab.actors.funders[funder]
        ok = ghost.stored in (ChallengeState.OPEN, ChallengeState.ATTESTED)
        escrow = self.lab.escrow
        if self._attempt(
            ghost, ok, lambda: escrow.fund(sender=account, challenge_id=challenge_id, amount=amount)
        ):
            ghost.escrowed += amount
            ghost.funded[account.address] = ghost.funded.get(account.address, 0) + amount

    @rule(challenge_id=challenges)
    def attest(self, challenge_id: int) -> None:
        ghost = self.ghosts[challenge_id]
        ok = ghost.state_at(self._now()) == ChallengeState.CLOSED
        attestations = self.lab.attestations(
            challenge_id, results(str(challenge_id)), self.lab.actors.evaluators[:2]
        )
        escrow, relayer = self.lab.escrow, self.lab.actors.relayer

        def action() -> None:
            escrow.attest_results(
                sender=relayer,
                challenge_id=challenge_id,
                results_hash=results(str(challenge_id)),
                attestations=attestations,
            )

        if self._attempt(ghost, ok, action):
            ghost.stored = ChallengeState.ATTESTED

    @rule(
        challenge_id=challenges,
        payouts=st.dictionaries(st.sampled_from(RECIPIENTS), st.integers(1, 6_000), min_size=1, max_size=4),
    )
    def award(self, challenge_id: int, payouts: dict[str, int]) -> None:
        ghost, total = self.ghosts[challenge_id], sum(payouts.values())
        ok = ghost.stored == ChallengeState.ATTESTED and self._now() <= ghost.award_deadline
        ok = ok and total <= ghost.escrowed
        results_hash = results(str(challenge_id))
        if self._attempt(
            ghost, ok, lambda: self.lab.award(challenge_id, results_hash, payouts, window=CLAIM_WINDOW)
        ):
            ghost.stored, ghost.awarded = ChallengeState.AWARDED, total
            ghost.claim_deadline = self.lab.escrow.challenge(challenge_id).claim_deadline
            for account, amount in payouts.items():
                ghost.owed[account] = amount
                self.awarded_to[account] += amount

    @rule(challenge_id=challenges, accounts=st.lists(st.sampled_from(RECIPIENTS), min_size=1, max_size=4))
    def claim(self, challenge_id: int, accounts: list[str]) -> None:
        ghost = self.ghosts[challenge_id]
        window_open = ghost.stored == ChallengeState.AWARDED and self._now() <= ghost.claim_deadline
        escrow, relayer = self.lab.escrow, self.lab.actors.relayer
        single = len(accounts) == 1
        # A single claim of nothing reverts; a batch skips accounts owed nothing.
        ok = window_open and (not single or ghost.owed.get(accounts[0], 0) > 0)

        def action() -> None:
            if single:
                escrow.claim(sender=relayer, challenge_id=challenge_id, account=accounts[0])
            else:
                escrow.claim_batch(sender=relayer, challenge_id=challenge_id, accounts=accounts)

        if self._attempt(ghost, ok, action):
            for account in accounts:
                amount = ghost.owed.pop(account, 0)
                ghost.claimed += amount
                self.paid_to[account] += amount

    @rule(challenge_id=challenges, by_owner=st.booleans())
    def cancel(self, challenge_id: int, by_owner: bool) -> None:
        ghost = self.ghosts[challenge_id]
        allowed = by_owner or self._now() > ghost.award_deadline
        ok = ghost.stored in (ChallengeState.OPEN, ChallengeState.ATTESTED) and allowed
        caller = self.lab.owner if by_owner else self.lab.actors.outsider
        if self._attempt(ghost, ok, lambda: self.lab.escrow.cancel(sender=caller, challenge_id=challenge_id)):
            ghost.stored = ChallengeState.CANCELLED

    @rule(challenge_id=challenges, funder=st.integers(0, 2))
    def refund(self, challenge_id: int, funder: int) -> None:
        ghost, account = self.ghosts[challenge_id], self.lab.actors.funders[funder].address
        ok = ghost.stored == ChallengeState.CANCELLED and ghost.funded.get(account, 0) > 0
        escrow, relayer = self.lab.escrow, self.lab.actors.relayer
        if self._attempt(
            ghost, ok, lambda: escrow.refund(sender=relayer, challenge_id=challenge_id, funder=account)
        ):
            ghost.refunded += ghost.funded.pop(account)

    @rule(challenge_id=challenges)
    def sweep(self, challenge_id: int) -> None:
        ghost = self.ghosts[challenge_id]
        ok = ghost.stored == ChallengeState.AWARDED and self._now() > ghost.claim_deadline
        escrow, relayer = self.lab.escrow, self.lab.actors.relayer
        if self._attempt(
            ghost, ok, lambda: escrow.sweep_unclaimed(sender=relayer, challenge_id=challenge_id)
        ):
            ghost.swept = ghost.escrowed - ghost.claimed
            ghost.stored = ChallengeState.FINALIZED

    # ------------------------------------------------------------ invariants

    @invariant()
    def escrow_holds_exactly_what_it_owes(self) -> None:
        owed_everywhere = sum(g.escrowed - g.claimed - g.refunded - g.swept for g in self.ghosts.values())
        assert self.lab.token.balance_of(self.lab.escrow.address) == owed_everywhere

    @invariant()
    def chain_agrees_with_the_ghost_and_books_balance(self) -> None:
        for challenge_id, ghost in self.ghosts.items():
            record = self.lab.escrow.challenge(challenge_id)
            assert (record.escrowed, record.awarded, record.claimed) == (
                ghost.escrowed,
                ghost.awarded,
                ghost.claimed,
            )
            assert (record.refunded, record.swept, record.stored_state) == (
                ghost.refunded,
                ghost.swept,
                ghost.stored,
            )
            assert record.claimed <= record.awarded <= record.escrowed

    @invariant()
    def states_only_move_forward(self) -> None:
        for challenge_id, ghost in self.ghosts.items():
            now_state = self.lab.escrow.state(challenge_id)
            if now_state == ChallengeState.CANCELLED:
                assert ghost.seen in (
                    ChallengeState.OPEN,
                    ChallengeState.CLOSED,
                    ChallengeState.ATTESTED,
                    now_state,
                )
            else:
                assert FORWARD[now_state] >= FORWARD[ghost.seen]
            ghost.seen = now_state

    @invariant()
    def nobody_is_paid_more_than_awarded(self) -> None:
        for account in RECIPIENTS:
            balance = self.lab.token.balance_of(account)
            assert balance == self.paid_to[account] <= self.awarded_to[account]


def test_escrow_books_balance_under_random_sequences(plain_lab: EscrowLab) -> None:
    for funder in plain_lab.actors.funders:
        plain_lab.token.mint(sender=funder, to=funder.address, amount=10**12)
        plain_lab.token.approve(sender=funder, spender=plain_lab.escrow.address, amount=10**12)

    class BooksOnThisLab(EscrowBooks):
        def __init__(self) -> None:
            super().__init__(plain_lab)

    run_state_machine_as_test(
        BooksOnThisLab,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            derandomize=True,  # the same sequences on every run: a failure reproduces
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
