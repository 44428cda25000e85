// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @title Priority proofs for submissions: Merkle roots of submission hashes, keyed by who committed them
/// @notice The platform commits the Merkle root of each batch of submission hashes (every few minutes) and
/// keeps each submission's inclusion proof; one hash alone is a one-leaf tree (root = leaf, empty proof).
/// A commitment is keyed by (challenge, committer, root): copying someone's commit from the mempool records
/// the copier's own, later commitment and blocks nobody. Each submission hash should include its author.
abstract contract SubmissionCommitments {
    /// @notice When `committer` committed Merkle root `root` to challenge `id` (0: never).
    mapping(uint256 id => mapping(address committer => mapping(bytes32 root => uint256))) public committedAt;

    event SubmissionsCommitted(uint256 indexed id, address indexed committer, bytes32 indexed root);

    error AlreadyCommitted(uint256 id, address committer, bytes32 root);

    /// @notice Commit the Merkle root of a batch of submission hashes to challenge `id` while it accepts them.
    function commit(uint256 id, bytes32 root) external {
        _checkAcceptsCommitments(id);
        if (committedAt[id][msg.sender][root] != 0) revert AlreadyCommitted(id, msg.sender, root);
        committedAt[id][msg.sender][root] = block.timestamp;
        emit SubmissionsCommitted(id, msg.sender, root);
    }

    /// @notice When `committer` committed `submissionHash` to challenge `id` inside the batch `root`, given
    /// its Merkle `proof` (OpenZeppelin's double-hashed leaf of the bytes32); 0 if it was not committed so.
    function commitmentTime(
        uint256 id,
        address committer,
        bytes32 submissionHash,
        bytes32 root,
        bytes32[] calldata proof
    ) external view returns (uint256) {
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(submissionHash))));
        return MerkleProof.verifyCalldata(proof, root, leaf) ? committedAt[id][committer][root] : 0;
    }

    /// @dev Reverts unless challenge `id` accepts commitments now.
    function _checkAcceptsCommitments(uint256 id) internal view virtual;
}
