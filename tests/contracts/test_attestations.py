"""Results attestations: forgeries revert and change nothing, rounds, contract-wallet evaluators, the relayer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount
from web3 import Web3

from governance.chain.attestations import (
    Attestation,
    AttestationSignerMismatchError,
    SpecHashMismatchError,
    attestation_document,
)
from governance.chain.eip712 import sign_typed_data
from governance.chain.escrow import ChallengeState
from tests.contracts.helpers import LAB_SPEC, EscrowLab, fresh_address, results, reverts, spec_hash

SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def _closed_challenge(lab: EscrowLab) -> int:
    challenge_id = lab.open_challenge()
    lab.fund(challenge_id, 1_000)
    lab.chain.advance_to(lab.escrow.challenge(challenge_id).submission_deadline + 1)
    return challenge_id


def _sign(
    lab: EscrowLab,
    signer: LocalAccount,
    challenge_id: int,
    *,
    chain_id: int | None = None,
    verifying_contract: str | None = None,
    spec: bytes = LAB_SPEC,
) -> bytes:
    """`signer`'s signature over this challenge's results (round 0), with the domain or spec changed."""
    domain = lab.escrow.domain()
    if chain_id is not None:
        domain = replace(domain, chain_id=chain_id)
    if verifying_contract is not None:
        domain = replace(domain, verifying_contract=Web3.to_checksum_address(verifying_contract))
    document = attestation_document(
        domain, challenge_id=challenge_id, round_=0, results_hash=results("r"), spec_hash=spec
    )
    return sign_typed_data(signer, document)


def _high_s_twin(signature: bytes) -> bytes:
    """The other valid-looking ECDSA signature of the same message: s -> n - s, v flipped."""
    r, s, v = signature[:32], int.from_bytes(signature[32:64], "big"), signature[64]
    return r + (SECP256K1_ORDER - s).to_bytes(32, "big") + bytes([55 - v])  # 27 <-> 28


Forgery = Callable[[EscrowLab, int], tuple[list[str], list[bytes]]]


def _pair(lab: EscrowLab, challenge_id: int, **changes: Any) -> tuple[list[str], list[bytes]]:
    first, second = sorted(lab.actors.evaluators[:2], key=lambda a: int(a.address, 16))
    return [first.address, second.address], [
        _sign(lab, first, challenge_id, **changes),
        _sign(lab, second, challenge_id, **changes),
    ]


def _twin(lab: EscrowLab, challenge_id: int) -> tuple[list[str], list[bytes]]:
    signers, signatures = _pair(lab, challenge_id)
    return signers, [_high_s_twin(signatures[0]), signatures[1]]


def _out_of_order(lab: EscrowLab, challenge_id: int) -> tuple[list[str], list[bytes]]:
    signers, signatures = _pair(lab, challenge_id)
    return signers[::-1], signatures[::-1]


def _removed(lab: EscrowLab, challenge_id: int) -> tuple[list[str], list[bytes]]:
    signers, signatures = _pair(lab, challenge_id)
    lab.as_owner("setEvaluators", [signers[1], lab.actors.evaluators[2].address], 2)
    return signers, signatures


def _stale_round(lab: EscrowLab, challenge_id: int) -> tuple[list[str], list[bytes]]:
    stale = _pair(lab, challenge_id)  # round 0
    lab.attest(challenge_id, results("r"))
    lab.as_owner("reopenResults", challenge_id)  # round 1: the same leaderboard must be signed again
    return stale


FORGERIES: dict[str, tuple[Forgery, str]] = {
    "high-s twin": (_twin, "InvalidSignature"),
    "signers out of order": (_out_of_order, "SignersNotAscending"),
    "another chain id": (lambda lab, cid: _pair(lab, cid, chain_id=1), "InvalidSignature"),
    "another escrow": (
        lambda lab, cid: _pair(lab, cid, verifying_contract=fresh_address("other escrow")),
        "InvalidSignature",
    ),
    "another spec hash": (lambda lab, cid: _pair(lab, cid, spec=spec_hash("other")), "InvalidSignature"),
    "a removed evaluator": (_removed, "SignerNotEvaluator"),
    "a stale round": (_stale_round, "InvalidSignature"),
}


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_a_forged_attestation_reverts_and_changes_nothing(plain_lab: EscrowLab, forgery: str) -> None:
    lab = plain_lab
    challenge_id = _closed_challenge(lab)
    build, expected_error = FORGERIES[forgery]
    signers, signatures = build(lab, challenge_id)
    before = (lab.escrow.state(challenge_id), lab.escrow.challenge(challenge_id))
    with reverts(expected_error):
        lab.relay_attestation(challenge_id, results("r"), signers, signatures)
    assert (lab.escrow.state(challenge_id), lab.escrow.challenge(challenge_id)) == before
    assert before[0] == ChallengeState.CLOSED


def test_reopened_results_need_a_new_round_of_signatures(plain_lab: EscrowLab) -> None:
    lab, winner = plain_lab, fresh_address("winner")
    challenge_id = _closed_challenge(lab)
    lab.attest(challenge_id, results("with a scoring bug"))
    with reverts("OwnableUnauthorizedAccount"):
        lab.client.transact(
            lab.escrow.contract.functions.reopenResults(challenge_id), sender=lab.actors.outsider
        )
    lab.as_owner("reopenResults", challenge_id)
    record = lab.escrow.challenge(challenge_id)
    assert (lab.escrow.state(challenge_id), record.round, record.results_hash) == (
        ChallengeState.CLOSED,
        1,
        b"\x00" * 32,
    )
    with reverts("WrongState"):  # an award queued for the old results cannot execute
        lab.award(challenge_id, results("with a scoring bug"), {winner: 1_000})
    lab.attest(challenge_id, results("corrected"))  # the wrapper signs the current round
    lab.award(challenge_id, results("corrected"), {winner: 1_000})
    assert lab.escrow.owed(challenge_id=challenge_id, account=winner) == 1_000


def test_a_contract_wallet_evaluator_attests_through_erc1271(plain_lab: EscrowLab) -> None:
    lab = plain_lab
    key_holder, other = lab.actors.evaluators[0], lab.actors.evaluators[1]
    wallet = lab.client.deploy("EvaluatorWallet", key_holder.address, sender=lab.owner)
    lab.as_owner("setEvaluators", [wallet, other.address], 2)
    challenge_id = _closed_challenge(lab)

    def sign(evaluator: LocalAccount, *, via: str | None) -> Attestation:
        return lab.escrow.sign_attestation(
            evaluator=evaluator,
            challenge_id=challenge_id,
            results_hash=results("r"),
            spec_hash=LAB_SPEC,
            wallet=via,
        )

    # Only the wallet's own key signs for it: the escrow asks the wallet (there is nothing to recover).
    with reverts("InvalidSignature"):
        lab.escrow.attest_results(
            sender=lab.actors.relayer,
            challenge_id=challenge_id,
            results_hash=results("r"),
            attestations=[sign(lab.actors.outsider, via=wallet), sign(other, via=None)],
        )
    receipt = lab.escrow.attest_results(
        sender=lab.actors.relayer,
        challenge_id=challenge_id,
        results_hash=results("r"),
        attestations=[sign(key_holder, via=wallet), sign(other, via=None)],
    )
    (event,) = lab.escrow.events(receipt, "ResultsAttested")
    assert set(event["signers"]) == {wallet, other.address}
    assert lab.escrow.state(challenge_id) == ChallengeState.ATTESTED


def test_an_evaluator_signs_only_the_spec_the_platform_holds(plain_lab: EscrowLab) -> None:
    lab = plain_lab
    challenge_id = _closed_challenge(lab)
    with pytest.raises(SpecHashMismatchError):
        lab.escrow.sign_attestation(
            evaluator=lab.actors.evaluators[0],
            challenge_id=challenge_id,
            results_hash=results("r"),
            spec_hash=spec_hash("what the platform evaluated"),
        )


def test_the_relayer_orders_by_recovered_signer_and_refuses_a_misnamed_signature(
    plain_lab: EscrowLab,
) -> None:
    lab, relayer = plain_lab, plain_lab.actors.relayer
    challenge_id = _closed_challenge(lab)
    signed = lab.attestations(challenge_id, results("r"), lab.actors.evaluators)
    descending = sorted(signed, key=lambda item: int(item.signer, 16), reverse=True)
    misnamed = [Attestation(descending[0].signer, descending[1].signature), descending[1]]
    nonce = lab.client.pending_nonce(relayer.address)
    with pytest.raises(AttestationSignerMismatchError):
        lab.escrow.attest_results(
            sender=relayer, challenge_id=challenge_id, results_hash=results("r"), attestations=misnamed
        )
    assert lab.client.pending_nonce(relayer.address) == nonce  # nothing was sent
    receipt = lab.escrow.attest_results(
        sender=relayer, challenge_id=challenge_id, results_hash=results("r"), attestations=descending
    )
    (event,) = lab.escrow.events(receipt, "ResultsAttested")
    assert list(event["signers"]) == sorted((a.signer for a in signed), key=lambda a: int(a, 16))
