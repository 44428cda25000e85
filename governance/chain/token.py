"""Typed wrappers for ERC20 prize tokens and the governance token (ERC20Votes, timestamp clock)."""

from __future__ import annotations

from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from web3 import Web3
from web3.types import TxReceipt

from governance.chain.client import ChainClient


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
