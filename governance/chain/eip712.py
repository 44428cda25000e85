"""EIP-712 typed data: domains read from the chain, signing and signer recovery."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from web3 import Web3
from web3.contract import Contract

from governance.chain.client import ChainClient

_DOMAIN_TYPE = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]


@dataclass(frozen=True)
class Eip712Domain:
    """The signing domain of one contract on one chain (read from it, never hard-coded)."""

    name: str
    version: str
    chain_id: int
    verifying_contract: ChecksumAddress

    def as_dict(self) -> dict[str, Any]:
        """The domain in the shape `eth_signTypedData_v4` and eth-account expect."""
        return {
            "name": self.name,
            "version": self.version,
            "chainId": self.chain_id,
            "verifyingContract": self.verifying_contract,
        }


def read_domain(client: ChainClient, contract: Contract) -> Eip712Domain:
    """Read a contract's EIP-712 domain through ERC-5267 `eip712Domain()`."""
    _fields, name, version, chain_id, verifying_contract, _salt, _extensions = client.call(
        contract.functions.eip712Domain()
    )
    return Eip712Domain(name, version, int(chain_id), Web3.to_checksum_address(verifying_contract))


def typed_data(
    domain: Eip712Domain, primary_type: str, fields: list[dict[str, str]], message: dict[str, Any]
) -> dict[str, Any]:
    """A complete typed-data document, ready for a wallet's `eth_signTypedData_v4`."""
    return {
        "types": {"EIP712Domain": _DOMAIN_TYPE, primary_type: fields},
        "primaryType": primary_type,
        "domain": domain.as_dict(),
        "message": message,
    }


def sign_typed_data(account: LocalAccount, document: dict[str, Any]) -> bytes:
    """Sign a typed-data document with a local key; returns the 65-byte signature."""
    return bytes(account.sign_message(encode_typed_data(full_message=document)).signature)


def recover_signer(document: dict[str, Any], signature: bytes) -> ChecksumAddress:
    """The address that signed `document` (EOA signatures only; contract wallets need a simulation)."""
    return Web3.to_checksum_address(
        Account.recover_message(encode_typed_data(full_message=document), signature=signature)
    )
