"""Evaluators' EIP-712 results attestations: the document, signing it, and checking before relaying."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_keys.exceptions import BadSignature, ValidationError
from eth_typing import ChecksumAddress
from eth_utils import keccak
from web3 import Web3

from governance.chain.client import ChainClient
from governance.chain.eip712 import Eip712Domain, recover_signer, sign_typed_data, typed_data
from governance.chain.errors import ContractRevertError

_ATTESTATION_FIELDS = [
    {"name": "challengeId", "type": "uint256"},
    {"name": "round", "type": "uint32"},
    {"name": "resultsHash", "type": "bytes32"},
    {"name": "specHash", "type": "bytes32"},
]


# What an ERC-1271 wallet's isValidSignature returns for a signature it accepts.
ERC1271_MAGIC_VALUE = bytes.fromhex("1626ba7e")


class SpecHashMismatchError(Exception):
    """The challenge's spec hash on chain is not the platform's own: an evaluator must not sign for it."""


class AttestationSignerMismatchError(Exception):
    """An attestation's signature does not recover to the evaluator it names: it is not relayed."""


@dataclass(frozen=True)
class Attestation:
    """One evaluator's signature over a challenge's results; `signer` is a key's or a wallet's address."""

    signer: ChecksumAddress
    signature: bytes


def results_hash(canonical_leaderboard_json: bytes) -> bytes:
    """The hash evaluators attest: keccak256 of the canonical leaderboard JSON the platform publishes."""
    return keccak(canonical_leaderboard_json)


def attestation_document(
    domain: Eip712Domain, *, challenge_id: int, round_: int, results_hash: bytes, spec_hash: bytes
) -> dict[str, Any]:
    """The EIP-712 `ResultsAttestation` document for these values and this domain."""
    message = {
        "challengeId": challenge_id,
        "round": round_,
        "resultsHash": results_hash,
        "specHash": spec_hash,
    }
    return typed_data(domain, "ResultsAttestation", _ATTESTATION_FIELDS, message)


def sign_attestation_document(
    document: dict[str, Any], *, evaluator: LocalAccount, spec_hash: bytes, wallet: str | None = None
) -> Attestation:
    """Sign `document` as `evaluator` (for its contract `wallet`, if given).

    `spec_hash` is the platform's own record of the challenge's rules and hidden test set: raises
    SpecHashMismatchError, and signs nothing, when the document (read from the chain) commits another.
    """
    on_chain = bytes(document["message"]["specHash"])
    if on_chain != spec_hash:
        challenge_id = document["message"]["challengeId"]
        raise SpecHashMismatchError(
            f"challenge {challenge_id} commits spec 0x{on_chain.hex()}, the platform has 0x{spec_hash.hex()}"
        )
    signer = Web3.to_checksum_address(wallet) if wallet else evaluator.address
    return Attestation(signer, sign_typed_data(evaluator, document))


def ordered_signatures(
    client: ChainClient, document: dict[str, Any], attestations: Sequence[Attestation]
) -> tuple[list[ChecksumAddress], list[bytes]]:
    """Signers in ascending order, as the escrow requires, and their signatures in the same order.

    Trust boundary: attestations come from the evaluators' machines. A key's signature must recover to
    the evaluator it names (raises AttestationSignerMismatchError); a contract wallet's is checked on
    chain through ERC-1271, since no address can be recovered from it.
    """
    signed = sorted(
        ((_checked_signer(client, document, item), item.signature) for item in attestations),
        key=lambda pair: int(pair[0], 16),
    )
    return [signer for signer, _ in signed], [signature for _, signature in signed]


def _checked_signer(
    client: ChainClient, document: dict[str, Any], attestation: Attestation
) -> ChecksumAddress:
    if client.code_size(attestation.signer) > 0:
        return attestation.signer
    recovered = recover_signer(document, attestation.signature)
    if recovered != attestation.signer:
        raise AttestationSignerMismatchError(
            f"signature recovers to {recovered}, not to the evaluator {attestation.signer}"
        )
    return recovered


def attestation_signed_by(
    client: ChainClient, document: dict[str, Any], signer: str, signature: bytes
) -> bool:
    """Whether `signer` signed `document`: a key's signature recovers to it, a contract wallet (ERC-1271)
    accepts it on chain. Trust boundary: the signature is anyone's bytes; a malformed one is False."""
    try:
        if client.code_size(signer) > 0:
            wallet = client.contract("EvaluatorWallet", signer)
            digest = encode_typed_data(full_message=document)
            hashed = keccak(b"\x19" + digest.version + digest.header + digest.body)
            answer = client.call(wallet.functions.isValidSignature(hashed, signature))
            return bytes(answer) == ERC1271_MAGIC_VALUE
        recovered = Account.recover_message(encode_typed_data(full_message=document), signature=signature)
    except (ValueError, TypeError, BadSignature, ValidationError, ContractRevertError):
        return False
    return Web3.to_checksum_address(recovered) == Web3.to_checksum_address(signer)
