"""Merkle trees of submission hashes, in OpenZeppelin's standard layout, for batched priority commitments.

The platform commits one root per batch of submissions (`PrizeEscrow.commit`) and keeps each submission's
proof; `PrizeEscrow.commitmentTime` checks a proof with OpenZeppelin's MerkleProof. Leaves are hashed
twice (keccak256(keccak256(abi.encode(bytes32)))), so no inner node can pass for a leaf, and pairs are
hashed sorted, as MerkleProof expects; the layout is @openzeppelin/merkle-tree's StandardMerkleTree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eth_utils import keccak


def leaf_hash(submission_hash: bytes) -> bytes:
    """The leaf of one submission hash (abi.encode of a bytes32 is the 32 bytes themselves)."""
    if len(submission_hash) != 32:
        raise ValueError("a submission hash is 32 bytes")
    return keccak(keccak(submission_hash))


def _hash_pair(a: bytes, b: bytes) -> bytes:
    return keccak(min(a, b) + max(a, b))


@dataclass(frozen=True)
class SubmissionBatch:
    """A committed batch: its root and the inclusion proof of every submission hash in it."""

    root: bytes
    proofs: dict[bytes, tuple[bytes, ...]]

    def proof(self, submission_hash: bytes) -> tuple[bytes, ...]:
        """The proof of `submission_hash`; raises KeyError if it is not in the batch."""
        return self.proofs[submission_hash]


def build_batch(submission_hashes: Sequence[bytes]) -> SubmissionBatch:
    """The Merkle tree of distinct submission hashes; raises ValueError for none or repeated ones."""
    if not submission_hashes or len(set(submission_hashes)) != len(submission_hashes):
        raise ValueError("a batch needs at least one submission hash, each once")
    leaves = sorted((leaf_hash(h), h) for h in submission_hashes)
    tree = [b""] * (2 * len(leaves) - 1)
    for i, (leaf, _) in enumerate(leaves):
        tree[len(tree) - 1 - i] = leaf
    for i in range(len(tree) - 1 - len(leaves), -1, -1):
        tree[i] = _hash_pair(tree[2 * i + 1], tree[2 * i + 2])
    proofs: dict[bytes, tuple[bytes, ...]] = {}
    for i, (_, submission_hash) in enumerate(leaves):
        index, proof = len(tree) - 1 - i, []
        while index > 0:
            proof.append(tree[index + 1 if index % 2 else index - 1])
            index = (index - 1) // 2
        proofs[submission_hash] = tuple(proof)
    return SubmissionBatch(tree[0], proofs)


def verify(submission_hash: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    """Whether `proof` shows `submission_hash` in the tree of `root` (what MerkleProof.verify checks)."""
    node = leaf_hash(submission_hash)
    for sibling in proof:
        node = _hash_pair(node, sibling)
    return node == root
