// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @title An m-of-n evaluator set and the check of its EIP-712 results attestations
/// @notice Evaluators sign `ResultsAttestation(challengeId, round, resultsHash, specHash)`: the signature is
/// bound to this contract and chain (the domain), to one challenge and its rules (specHash) and to one
/// results round, so it cannot be replayed elsewhere, for other rules, or after the round was reopened.
/// Evaluators may be contract wallets: signatures are checked with OpenZeppelin's SignatureChecker
/// (ERC-1271 for accounts with code, ECDSA without malleable high-s twins otherwise). Only the owner
/// changes the set.
abstract contract EvaluatorAttestations is Ownable2Step, EIP712 {
    bytes32 public constant RESULTS_ATTESTATION_TYPEHASH =
        keccak256("ResultsAttestation(uint256 challengeId,uint32 round,bytes32 resultsHash,bytes32 specHash)");

    /// @notice How many evaluators must sign a results attestation.
    uint32 public evaluatorThreshold;
    uint32 private _generation; // bumped on every set change, so removed members drop out at once
    address[] private _evaluators;
    mapping(address evaluator => uint32 generation) private _generationOf;

    event EvaluatorsSet(address[] evaluators, uint256 threshold);

    error InvalidEvaluatorSet(uint256 count, uint256 threshold);
    error DuplicateEvaluator(address evaluator);
    error ZeroEvaluator(uint256 index);
    error SignatureCountMismatch(uint256 signers, uint256 signatures);
    error NotEnoughSignatures(uint256 given, uint256 threshold);
    error SignersNotAscending(address signer);
    error SignerNotEvaluator(address signer);
    error InvalidSignature(address signer);

    /// @notice Replace the evaluator set and threshold; only the owner. Members removed stop counting at once.
    function setEvaluators(address[] calldata newEvaluators, uint256 threshold) external onlyOwner {
        _setEvaluators(newEvaluators, threshold);
    }

    /// @notice The current evaluator set.
    function evaluators() external view returns (address[] memory) {
        return _evaluators;
    }

    /// @notice Whether `account` is in the current evaluator set.
    function isEvaluator(address account) public view returns (bool) {
        return account != address(0) && _generationOf[account] == _generation;
    }

    function _attestationDigest(
        uint256 id,
        uint32 round,
        bytes32 resultsHash,
        bytes32 specHash
    ) internal view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(RESULTS_ATTESTATION_TYPEHASH, id, round, resultsHash, specHash)));
    }

    /// @dev Reverts unless at least `evaluatorThreshold` distinct current evaluators signed `digest`. Signers
    /// come in ascending order, which rules out counting one evaluator twice (whatever its signature looks like).
    function _checkAttestation(bytes32 digest, address[] calldata signers, bytes[] calldata signatures) internal view {
        if (signers.length != signatures.length) revert SignatureCountMismatch(signers.length, signatures.length);
        if (signers.length < evaluatorThreshold) revert NotEnoughSignatures(signers.length, evaluatorThreshold);
        address previous = address(0);
        for (uint256 i = 0; i < signers.length; ++i) {
            address signer = signers[i];
            if (signer <= previous) revert SignersNotAscending(signer);
            if (!isEvaluator(signer)) revert SignerNotEvaluator(signer);
            if (!SignatureChecker.isValidSignatureNowCalldata(signer, digest, signatures[i])) {
                revert InvalidSignature(signer);
            }
            previous = signer;
        }
    }

    function _setEvaluators(address[] memory evaluators_, uint256 threshold) internal {
        if (threshold == 0 || threshold > evaluators_.length) revert InvalidEvaluatorSet(evaluators_.length, threshold);
        uint32 generation = ++_generation;
        for (uint256 i = 0; i < evaluators_.length; ++i) {
            address evaluator = evaluators_[i];
            if (evaluator == address(0)) revert ZeroEvaluator(i);
            if (_generationOf[evaluator] == generation) revert DuplicateEvaluator(evaluator);
            _generationOf[evaluator] = generation;
        }
        _evaluators = evaluators_;
        evaluatorThreshold = uint32(threshold);
        emit EvaluatorsSet(evaluators_, threshold);
    }
}
