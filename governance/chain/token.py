"""Typed wrappers for ERC20 prize tokens and the governance token (ERC20Votes, timestamp clock)."""

from __future__ import annotations

from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from web3 import Web3
from web3.types import TxReceipt

from governance.chain.client import ChainClient
from governance.chain.eip712 import read_domain, sign_typed_data, typed_data
from governance.chain.governor import ProposalAction

_DELEGATION_FIELDS = [
    {"name": "delegatee", "type": "address"},
    {"name": "nonce", "type": "uint256"},
    {"name": "expiry", "type": "uint256"},
]


class Erc20:
    """Any ERC20 the escrow pays in; `artifact` picks the ABI (all share the ERC20 part)."""

    artifact = "PlainToken"

    def __init__(self, client: ChainClient, address: str, *, artifact: str | None = None) -> None:
        self.client = client
        self.address: ChecksumAddress = Web3.to_checksum_address(address)
        self.contract = client.contract(artifact or self.artifact, self.address)

    def balance_of(self, account: str) -> int:
        """Balance of `account`."""
        return int(self.client.call(self.contract.functions.balanceOf(account)))

    def total_supply(self) -> int:
        """Total supply now."""
        return int(self.client.call(self.contract.functions.totalSupply()))

    def allowance(self, *, owner: str, spender: str) -> int:
        """How much `spender` may take from `owner`."""
        return int(self.client.call(self.contract.functions.allowance(owner, spender)))

    def transfer(self, *, sender: LocalAccount, to: str, amount: int) -> TxReceipt:
        """Transfer `amount` from `sender` to `to`; raises ContractRevertError on failure."""
        return self.client.transact(self.contract.functions.transfer(to, amount), sender=sender)

    def transfer_action(self, *, to: str, amount: int) -> ProposalAction:
        """The proposal action by which the timelock (the treasury) sends `amount` to `to`."""
        calldata = self.contract.encode_abi("transfer", args=[Web3.to_checksum_address(to), amount])
        return ProposalAction(target=self.address, calldata=bytes.fromhex(calldata.removeprefix("0x")))

    def approve(self, *, sender: LocalAccount, spender: str, amount: int) -> TxReceipt:
        """Let `spender` take up to `amount` from `sender`."""
        return self.client.transact(self.contract.functions.approve(spender, amount), sender=sender)

    def mint(self, *, sender: LocalAccount, to: str, amount: int) -> TxReceipt:
        """Mint (test tokens: anyone; the governance token: only the timelock)."""
        return self.client.transact(self.contract.functions.mint(to, amount), sender=sender)


class GovernanceToken(Erc20):
    """The DAO's voting token: balances, delegation and checkpointed voting power."""

    artifact = "ClueToken"

    def delegate(self, *, sender: LocalAccount, delegatee: str) -> TxReceipt:
        """Give `sender`'s voting power to `delegatee` (itself to vote directly)."""
        return self.client.transact(self.contract.functions.delegate(delegatee), sender=sender)

    def delegation_typed_data(self, *, delegatee: str, nonce: int, expiry: int) -> dict[str, object]:
        """The EIP-712 `Delegation` document a member signs to delegate without paying gas."""
        message = {"delegatee": Web3.to_checksum_address(delegatee), "nonce": nonce, "expiry": expiry}
        return typed_data(read_domain(self.client, self.contract), "Delegation", _DELEGATION_FIELDS, message)

    def sign_delegation(self, *, holder: LocalAccount, delegatee: str, expiry: int) -> tuple[int, bytes]:
        """Sign a delegation with the holder's next nonce; returns (nonce, signature)."""
        nonce = self.nonce(holder.address)
        document = self.delegation_typed_data(delegatee=delegatee, nonce=nonce, expiry=expiry)
        return nonce, sign_typed_data(holder, document)

    def delegate_by_sig(
        self, *, relayer: LocalAccount, delegatee: str, nonce: int, expiry: int, signature: bytes
    ) -> TxReceipt:
        """Relay a signed delegation; raises ContractRevertError (e.g. VotesExpiredSignature)."""
        r, s, v = signature[:32], signature[32:64], signature[64]
        call = self.contract.functions.delegateBySig(delegatee, nonce, expiry, v, r, s)
        return self.client.transact(call, sender=relayer)

    def nonce(self, account: str) -> int:
        """The account's next permit / delegation nonce."""
        return int(self.client.call(self.contract.functions.nonces(account)))

    def delegates(self, account: str) -> ChecksumAddress:
        """Who `account` has delegated to (the zero address if nobody)."""
        return Web3.to_checksum_address(self.client.call(self.contract.functions.delegates(account)))

    def get_votes(self, account: str) -> int:
        """Voting power of `account` now."""
        return int(self.client.call(self.contract.functions.getVotes(account)))

    def get_past_votes(self, *, account: str, timepoint: int) -> int:
        """Voting power of `account` at a past timestamp; raises ContractRevertError for the future."""
        return int(self.client.call(self.contract.functions.getPastVotes(account, timepoint)))

    def get_past_total_supply(self, timepoint: int) -> int:
        """Total supply at a past timestamp."""
        return int(self.client.call(self.contract.functions.getPastTotalSupply(timepoint)))

    def clock(self) -> int:
        """The token's clock now (a timestamp)."""
        return int(self.client.call(self.contract.functions.clock()))

    def clock_mode(self) -> str:
        """ERC-6372 clock description; `mode=timestamp` for this token."""
        return str(self.client.call(self.contract.functions.CLOCK_MODE()))

    def owner(self) -> ChecksumAddress:
        """The only account that can mint (the timelock)."""
        return Web3.to_checksum_address(self.client.call(self.contract.functions.owner()))
