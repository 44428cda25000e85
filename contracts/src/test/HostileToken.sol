// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ERC20 with the behaviours the escrow must survive, for tests only
/// @notice Can block recipients (like a USDC blocklist), take a fee on transfer, and call back into
/// another contract on every transfer (like an ERC-777 hook) to attempt re-entrancy.
contract HostileToken is ERC20 {
    /// @notice The recipient is blocked.
    error RecipientBlocked(address account);

    mapping(address account => bool) public blocked;
    uint256 public feeBasisPoints;
    address public hookTarget;
    bytes public hookCalldata;
    bool public hookSucceeded;
    bytes public hookReturnData;

    constructor() ERC20("Hostile Test Token", "HOSTILE") {}

    /// @notice Mint `amount` to `to` (test helper).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Block or unblock transfers to `account`.
    function setBlocked(address account, bool isBlocked) external {
        blocked[account] = isBlocked;
    }

    /// @notice Burn this share of every transfer (in basis points).
    function setFee(uint256 basisPoints) external {
        feeBasisPoints = basisPoints;
    }

    /// @notice On each transfer, call `target` with `data` once and record the outcome.
    function setHook(address target, bytes calldata data) external {
        hookTarget = target;
        hookCalldata = data;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (to != address(0) && blocked[to]) revert RecipientBlocked(to);
        uint256 fee = from == address(0) || to == address(0) ? 0 : (value * feeBasisPoints) / 10_000;
        if (fee > 0) super._update(from, address(0), fee);
        super._update(from, to, value - fee);
        address target = hookTarget;
        if (target != address(0) && from != address(0)) {
            hookTarget = address(0); // once: the test inspects the single re-entry attempt
            (hookSucceeded, hookReturnData) = target.call(hookCalldata);
        }
    }
}
