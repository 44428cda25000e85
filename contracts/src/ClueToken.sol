// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";

/// @title Clueboard governance token
/// @notice Voting power for the Clueboard DAO. Minted once at deployment to the treasury (the timelock)
/// and the founding members; only the timelock, that is a passed proposal, can mint more later.
/// @dev The clock is the block timestamp, the same clock the governor reads, so voting delays and periods
/// are in seconds on every chain (block times differ between anvil and L2s). Ownership moves in two steps
/// (the new owner must accept), so a mistyped address cannot take the minting right away from the DAO.
contract ClueToken is ERC20, ERC20Permit, ERC20Votes, Ownable2Step {
    /// @notice The holder and amount lists given to the constructor have different lengths.
    error HolderListMismatch(uint256 holders, uint256 amounts);

    /// @param name_ Token name, also the EIP-712 domain name used by permit and delegateBySig.
    /// @param symbol_ Token symbol.
    /// @param holders Initial holders: the treasury (timelock) and the founding members.
    /// @param amounts Amount minted to each holder, in the same order.
    /// @param timelock Owner: the only account that can mint after deployment.
    constructor(
        string memory name_,
        string memory symbol_,
        address[] memory holders,
        uint256[] memory amounts,
        address timelock
    ) ERC20(name_, symbol_) ERC20Permit(name_) Ownable(timelock) {
        if (holders.length != amounts.length) revert HolderListMismatch(holders.length, amounts.length);
        for (uint256 i = 0; i < holders.length; ++i) {
            _mint(holders[i], amounts[i]);
        }
    }

    /// @notice Mint new tokens; only the timelock, so only through a passed proposal.
    /// @param to Receiver of the new tokens.
    /// @param amount Amount to mint.
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }

    /// @notice The token's clock: the current block timestamp (ERC-6372).
    function clock() public view override returns (uint48) {
        return Time.timestamp();
    }

    /// @notice Describes the clock: timestamps (ERC-6372).
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Votes) {
        super._update(from, to, value);
    }

    /// @notice The next permit / delegateBySig nonce of `owner`.
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }
}
