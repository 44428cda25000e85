"""The one web3 client: connects, deploys, sends signed transactions and decodes reverts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from hexbytes import HexBytes
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractLogicError, TimeExhausted, TransactionNotFound, Web3RPCError
from web3.types import TxParams, TxReceipt, Wei

from governance.chain.abi import load_artifact
from governance.chain.errors import ContractRevertError, DecodedRevert, revert_from_exception

# An estimate is exact only for the state and clock it ran on. Between estimate and inclusion the block
# timestamp can tick over, and then a vote checkpoint that would have been updated in place is pushed
# to a fresh slot (about 22k more), or a vote now crosses quorum. Unused gas is not charged, so the
# limit is generous: a ratio plus room for one fresh storage slot and its neighbours.
_GAS_MARGIN = 1.2
_GAS_HEADROOM = 50_000
GWEI = 10**9
# The most a transaction may pay per gas unless the client is told otherwise: a relayer spends the DAO's
# money, so a fee spike makes it wait instead of paying whatever the network asks.
DEFAULT_FEE_CAP_WEI = 200 * GWEI


# What a node that cannot be reached raises: refused or reset connections and timeouts (requests'
# exceptions are OSErrors). Callers keep their work and try again later.
CHAIN_UNREACHABLE_ERRORS: tuple[type[BaseException], ...] = (OSError,)


class TransactionFailedError(Exception):
    """A transaction was mined but reverted (status 0)."""


class TransactionRejectedError(Exception):
    """The node would not take signed bytes (fees below the base fee, a nonce already used, ...)."""


class NodeRequestError(Exception):
    """The node answered a request with an error (the request reached it)."""


class ChainIdMismatchError(Exception):
    """The node serves another chain than the one configured: nothing is signed for it."""


class FeeCapExceededError(Exception):
    """The next block's base fee plus the tip is above the fee cap: the transaction was not sent."""


@dataclass(frozen=True)
class SentTransaction:
    """A signed transaction that was broadcast: its hash, and the exact bytes to rebroadcast if dropped."""

    tx_hash: HexBytes
    raw: bytes
    sender: ChecksumAddress
    nonce: int


class ReceiptTimeoutError(Exception):
    """No receipt arrived in time. The transaction may still be mined: re-check it with `ChainClient.recheck`
    (by hash, rebroadcasting the same bytes if the node forgot it), never by sending a new one."""

    def __init__(self, sent: SentTransaction) -> None:
        super().__init__(f"no receipt for {sent.tx_hash.to_0x_hex()} yet (nonce {sent.nonce})")
        self.sent = sent


class NonceSource(Protocol):
    """Hands out the nonce of each transaction a sender signs.

    `reserve` yields the nonce to sign with; it counts as used only if the block inside ends without an
    exception (the transaction was accepted by the node).
    """

    def reserve(self, client: ChainClient, sender: ChecksumAddress) -> AbstractContextManager[int]: ...


class NodeNonces:
    """The node's pending transaction count: right for one process sending at a time (deploys, tests).

    Two workers sending from one account at once must share a locked source instead
    (`governance.nonces.DatabaseNonces`), or both would read the same count.
    """

    @contextmanager
    def reserve(self, client: ChainClient, sender: ChecksumAddress) -> Iterator[int]:
        """Yield the sender's next nonce as the node sees it."""
        yield client.pending_nonce(sender)


class ChainClient:
    """Web3 access for the whole project; wrappers and services go through it, never through web3."""

    def __init__(
        self,
        w3: Web3,
        *,
        expected_chain_id: int | None = None,
        receipt_timeout: float = 120.0,
        fee_cap_wei: int = DEFAULT_FEE_CAP_WEI,
        nonces: NonceSource | None = None,
    ) -> None:
        self.w3 = w3
        self.expected_chain_id = expected_chain_id
        self.receipt_timeout = receipt_timeout
        self.fee_cap_wei = fee_cap_wei
        self.nonces: NonceSource = nonces or NodeNonces()
        self._chain_id: int | None = None

    @classmethod
    def connect(
        cls, rpc_url: str, *, chain_id: int | None = None, request_timeout: float = 10.0, **options: Any
    ) -> ChainClient:
        """Connect to a JSON-RPC endpoint over HTTP; every request times out after `request_timeout` s.

        With `chain_id`, the node's chain id is checked at once: raises ChainIdMismatchError if it
        serves another chain. `options` go to the constructor (fee cap, receipt timeout, nonces).
        """
        # cache_allowed_requests caches eth_chainId, which web3 otherwise asks for before every call.
        provider = Web3.HTTPProvider(
            rpc_url, request_kwargs={"timeout": request_timeout}, cache_allowed_requests=True
        )
        client = cls(Web3(provider), expected_chain_id=chain_id, **options)
        if chain_id is not None:
            client.chain_id  # noqa: B018 (reading it runs the check)
        return client

    @property
    def chain_id(self) -> int:
        """The node's chain id, read once; raises ChainIdMismatchError if it is not the configured one."""
        if self._chain_id is None:
            # Trust boundary: the node says which chain it serves; we sign nothing until it matches ours.
            node_chain_id = int(self.w3.eth.chain_id)
            if self.expected_chain_id is not None and node_chain_id != self.expected_chain_id:
                raise ChainIdMismatchError(
                    f"the node serves chain {node_chain_id}, configured chain is {self.expected_chain_id}"
                )
            self._chain_id = node_chain_id
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

        Raises ContractRevertError (decoded) when the call would revert, FeeCapExceededError when fees
        are above the cap (nothing sent), ReceiptTimeoutError when no receipt came in time (re-check it,
        do not send again), TransactionFailedError when it was mined and reverted anyway.
        """
        params: TxParams = {"from": sender.address, "chainId": self.chain_id}
        try:
            estimate = call.estimate_gas(params, block_identifier="pending")  # the next block's clock
        except ContractLogicError as error:
            raise ContractRevertError(revert_from_exception(error)) from error
        params["gas"] = int(estimate * _GAS_MARGIN) + _GAS_HEADROOM
        params.update(self._fees())
        sent = self._sign_and_send(call, params, sender)
        receipt = self._wait(sent)
        if receipt["status"] != 1:
            raise TransactionFailedError(
                f"transaction {sent.tx_hash.to_0x_hex()} reverted: {self._replay_reason(call, params)}"
            )
        return receipt

    def prepare_stored_call(self, *, to: str, data: str, sender: str) -> TxParams:
        """Gas and fees to send calldata `data` (0x-hex, stored earlier) to `to` from `sender`; no nonce yet.

        For calls kept in the outbox, which are encoded when queued and sent later exactly as stored. Raises
        ContractRevertError (decoded) when the call would revert now, FeeCapExceededError above the fee cap,
        TransactionRejectedError when the node refuses it otherwise (the sender cannot pay for gas).
        """
        params: TxParams = {
            "from": Web3.to_checksum_address(sender),
            "to": Web3.to_checksum_address(to),
            "data": HexBytes(data),
            "value": Wei(0),
            "chainId": self.chain_id,
        }
        try:
            estimate = self.w3.eth.estimate_gas(params, "pending")  # the next block's clock
        except ContractLogicError as error:
            raise ContractRevertError(revert_from_exception(error)) from error
        except Web3RPCError as error:  # not a revert: e.g. the sender cannot pay for gas
            raise TransactionRejectedError(f"the node refused to estimate a call to {to}") from error
        params["gas"] = int(estimate * _GAS_MARGIN) + _GAS_HEADROOM
        params.update(self._fees())
        return params

    def sign_prepared(self, params: TxParams, *, sender: LocalAccount, nonce: int) -> SentTransaction:
        """Sign `params` with `nonce` without broadcasting: the caller stores the bytes first, then hands
        them to `recheck`, which broadcasts them once (and again, the same bytes, if the node forgot)."""
        unsigned: dict[str, Any] = {key: value for key, value in params.items() if key != "from"}
        signed = sender.sign_transaction({**unsigned, "nonce": nonce})
        address = Web3.to_checksum_address(sender.address)
        return SentTransaction(HexBytes(signed.hash), bytes(signed.raw_transaction), address, nonce)

    def replay_revert(self, *, to: str, data: str, sender: str, block_number: int) -> DecodedRevert | None:
        """Why a mined call to `to` with `data` reverted: replayed on the state it ran on (`block_number`
        minus one); None when the replay passes (the failure depended on the transactions before it)."""
        params: TxParams = {
            "from": Web3.to_checksum_address(sender),
            "to": Web3.to_checksum_address(to),
            "data": HexBytes(data),
        }
        try:
            self.w3.eth.call(params, max(block_number - 1, 0))
        except ContractLogicError as error:
            return revert_from_exception(error)
        return None

    def mined_receipt(self, tx_hash: str) -> TxReceipt | None:
        """The receipt of `tx_hash` if it is mined, else None (pending, dropped or never seen)."""
        try:
            return self.w3.eth.get_transaction_receipt(HexBytes(tx_hash))
        except TransactionNotFound:
            return None

    def nonce_used(self, sender: str, nonce: int) -> bool:
        """Whether a mined transaction of `sender` already has `nonce`."""
        count = self.w3.eth.get_transaction_count(Web3.to_checksum_address(sender), "latest")
        return int(count) > nonce

    def recheck(self, sent: SentTransaction) -> TxReceipt:
        """Wait again for a transaction whose receipt timed out, by its hash.

        If the node no longer knows it (dropped from the mempool) and the nonce is still unused, the same
        signed bytes are broadcast again: same hash, so it can be mined at most once. Raises
        ReceiptTimeoutError again if it is still not mined, TransactionRejectedError if the node refuses the
        bytes.
        """
        try:
            self.w3.eth.get_transaction(sent.tx_hash)
        except TransactionNotFound:
            if self.w3.eth.get_transaction_count(sent.sender, "latest") <= sent.nonce:
                try:
                    self.w3.eth.send_raw_transaction(sent.raw)
                except Web3RPCError as error:
                    # The node's words stay in the log; callers get this type and fixed words.
                    raise TransactionRejectedError(f"the node refused {sent.tx_hash.to_0x_hex()}") from error
        return self._wait(sent)

    def pending_nonce(self, sender: str) -> int:
        """The sender's next nonce counting transactions still in the node's mempool."""
        return int(self.w3.eth.get_transaction_count(Web3.to_checksum_address(sender), "pending"))

    def _fees(self) -> TxParams:
        # EIP-1559 fees for the next block, never above the cap: room for the base fee to double, if the
        # cap allows it; refused outright when even the next base fee plus the tip is above it.
        base_fee = int(self.w3.eth.get_block("pending")["baseFeePerGas"])
        tip = min(int(self.w3.eth.max_priority_fee), self.fee_cap_wei)
        if base_fee + tip > self.fee_cap_wei:
            raise FeeCapExceededError(
                f"next base fee {base_fee} + tip {tip} wei is above the fee cap of {self.fee_cap_wei} wei"
            )
        return {
            "maxFeePerGas": Wei(min(2 * base_fee + tip, self.fee_cap_wei)),
            "maxPriorityFeePerGas": Wei(tip),
        }

    def _sign_and_send(self, call: Any, params: TxParams, sender: LocalAccount) -> SentTransaction:
        address = Web3.to_checksum_address(sender.address)
        with self.nonces.reserve(self, address) as nonce:
            tx = call.build_transaction({**params, "nonce": nonce})
            raw = bytes(sender.sign_transaction(tx).raw_transaction)
            tx_hash = self.w3.eth.send_raw_transaction(raw)
        return SentTransaction(HexBytes(tx_hash), raw, address, nonce)

    def _wait(self, sent: SentTransaction) -> TxReceipt:
        try:
            return self.w3.eth.wait_for_transaction_receipt(sent.tx_hash, timeout=self.receipt_timeout)
        except TimeExhausted as error:
            raise ReceiptTimeoutError(sent) from error

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

    def get_logs(self, addresses: Sequence[str], from_block: int, to_block: int) -> list[dict[str, Any]]:
        """The raw logs of `addresses` in blocks `from_block`..`to_block` (inclusive), as the node sent them.

        One bare eth_getLogs request, without web3's per-field formatting (the indexer decodes each log
        once itself): hex strings, `blockTimestamp` where the node includes it. Raises NodeRequestError
        when the node answers with an error (a range too large, for instance).
        """
        params = {
            "address": [Web3.to_checksum_address(a) for a in addresses],
            "fromBlock": hex(from_block),
            "toBlock": hex(to_block),
        }
        return list(self._request("eth_getLogs", [params]))

    def block_headers(self, numbers: Sequence[int]) -> dict[int, tuple[str, int]]:
        """Hash (lowercase 0x-hex) and timestamp of each block in `numbers`, in one batch request.

        Raises NodeRequestError when the node reports an error or lacks one of the blocks.
        """
        if not numbers:
            return {}
        with self.w3.batch_requests() as batch:
            for number in numbers:
                batch.add(self.w3.eth.get_block(number))
            blocks: list[Any] = list(batch.execute())
        headers: dict[int, tuple[str, int]] = {}
        for number, block in zip(numbers, blocks, strict=True):
            if not isinstance(block, Mapping) or "hash" not in block:
                raise NodeRequestError(f"the node has no block {number}")
            headers[number] = (HexBytes(block["hash"]).to_0x_hex(), int(block["timestamp"]))
        return headers

    def _request(self, method: str, params: list[Any]) -> Any:
        response = self.w3.provider.make_request(method, params)  # type: ignore[arg-type]
        if "error" in response:
            raise NodeRequestError(f"{method} failed: {response['error']}")
        return response.get("result")
