// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title Plain ERC20 for tests and gas benchmarks (a stand-in for a stablecoin prize token)
/// @dev Anyone can mint: test-only, never deployed outside anvil.
contract PlainToken is ERC20 {
    constructor() ERC20("Plain Test Token", "PLAIN") {}

    /// @notice Mint `amount` to `to` (test helper).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
