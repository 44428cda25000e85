"""The one web3 client: connects, deploys, sends signed transactions and decodes reverts."""

from __future__ import annotations

from typing import Any

from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractLogicError
from web3.types import TxParams, TxReceipt

from governance.chain.abi import load_artifact
from governance.chain.errors import ContractRevertError, revert_from_exception

# An estimate is exact only for the state and clock it ran on. Between estimate and inclusion the block
# timestamp can tick over, and then a vote checkpoint that would have been updated in place is pushed
# to a fresh slot (about 22k more), or a vote now crosses quorum. Unused gas is not charged, so the
# limit is generous: a ratio plus room for one fresh storage slot and its neighbours.
_GAS_MARGIN = 1.2
_GAS_HEADROOM = 50_000


class TransactionFailedError(Exception):
    """A transaction was mined but reverted (status 0)."""


class ChainClient:
    """Web3 access for the whole project; wrappers and services go through it, never through web3."""

    def __init__(self, w3: Web3, *, receipt_timeout: float = 120.0) -> None:
        self.w3 = w3
        self.receipt_timeout = receipt_timeout
        self._chain_id: int | None = None

    @classmethod
    def connect(cls, rpc_url: str, *, request_timeout: float = 10.0) -> ChainClient:
        """Connect to a JSON-RPC endpoint over HTTP; every request times out after `request_timeout` s."""
        # cache_allowed_requests caches eth_chainId, which web3 otherwise asks for before every call.
        provider = Web3.HTTPProvider(
            rpc_url, request_kwargs={"timeout": request_timeout}, cache_allowed_requests=True
        )
        return cls(Web3(provider))

    @property
    def chain_id(self) -> int:
        """The chain id, read once."""
        if self._chain_id is None:
            self._chain_id = self.w3.eth.chain_id
        return self._chain_id

    def contract(self, name: str, address: str) -> Contract:
        """A web3 contract object for artifact `name` at `address`."""
        abi = load_artifact(name).abi
        return self.w3.eth.contract(address=Web3.to_checksum_address(address), abi=abi)

    def deploy(self, name: str, *args: Any, sender: LocalAccount) -> ChecksumAddress:
        """Deploy artifact `name` with constructor `args`; returns the new address.

        Raises ContractRevertError if the constructor reverts.
        """
        artifact = load_artifact(name)
        factory = self.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        receipt = self.transact(factory.constructor(*args), sender=sender)
        address = receipt["contractAddress"]
        assert address is not None, "a deployment receipt always carries the new address"
        return address

    def transact(self, call: Any, *, sender: LocalAccount) -> TxReceipt:
        """Sign `call` with `sender`'s key, send it and wait for the receipt.

        Raises ContractRevertError (decoded) when the call would revert, TransactionFailedError when
        it was mined and reverted anyway.
        """
        params: TxParams = {
            "from": sender.address,
            "nonce": self.w3.eth.get_transaction_count(sender.address, "pending"),
            "chainId": self.chain_id,
        }
        try:
            estimate = call.estimate_gas(params, block_identifier="pending")  # the next block's clock
            params["gas"] = int(estimate * _GAS_MARGIN) + _GAS_HEADROOM
            tx = call.build_transaction(params)
        except ContractLogicError as error:
            raise ContractRevertError(revert_from_exception(error)) from error
        signed = sender.sign_transaction(tx)
        tx_hash = self.w3.eth.send_raw_transaction(signed.raw_transaction)
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=self.receipt_timeout)
        if receipt["status"] != 1:
            raise TransactionFailedError(
                f"transaction {tx_hash.hex()} reverted: {self._replay_reason(call, params)}"
            )
        return receipt

    def _replay_reason(self, call: Any, params: TxParams) -> str:
        # The estimate passed but the mined transaction failed: the state or the clock moved in between.
        # Replaying the call on the latest state usually names the error.
        try:
            call.call({"from": params["from"]})
        except ContractLogicError as error:
            return revert_from_exception(error).message
        return "no error on replay"

    def call(self, call: ContractFunction) -> Any:
        """Run a read-only call; raises ContractRevertError (decoded) when it reverts."""
        try:
            return call.call()
        except ContractLogicError as error:
            raise ContractRevertError(revert_from_exception(error)) from error

    def latest_timestamp(self) -> int:
        """Timestamp of the latest block (the clock the token and governor read)."""
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def block_number(self) -> int:
        """Number of the latest block."""
        return int(self.w3.eth.block_number)

    def block_timestamp(self, block_number: int) -> int:
        """Timestamp of block `block_number`."""
        return int(self.w3.eth.get_block(block_number)["timestamp"])

    def receipts_in_block(self, block_number: int) -> list[TxReceipt]:
        """Receipts of every transaction in block `block_number`, in order."""
        block = self.w3.eth.get_block(block_number)
        return [self.w3.eth.get_transaction_receipt(tx) for tx in block.get("transactions", [])]  # type: ignore[arg-type]

    def native_balance(self, address: str) -> int:
        """Native currency (wei) held by `address`."""
        return int(self.w3.eth.get_balance(Web3.to_checksum_address(address)))

    def code_size(self, address: str) -> int:
        """Bytes of runtime code at `address` (0 for an account without code)."""
        return len(self.w3.eth.get_code(Web3.to_checksum_address(address)))
