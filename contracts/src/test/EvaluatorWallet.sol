// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

/// @title A contract wallet (ERC-1271) whose one owner key signs for it, for tests only
/// @notice Stands in for an evaluator's multisig or smart account: the escrow must accept its signatures
/// through ERC-1271, never by recovering an address from them.
contract EvaluatorWallet is IERC1271 {
    address public immutable owner;

    constructor(address owner_) {
        owner = owner_;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        bool valid = SignatureChecker.isValidSignatureNowCalldata(owner, hash, signature);
        return valid ? IERC1271.isValidSignature.selector : bytes4(0xffffffff);
    }
}
