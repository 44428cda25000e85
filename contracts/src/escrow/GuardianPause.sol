// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title A guardian's pause that cannot be stretched, repeated back to back, or used to run out a deadline
/// @notice A pause lasts PAUSE_DURATION at most, and the next one may only start PAUSE_COOLDOWN after the
/// previous one ended, so a guardian cannot freeze for ever: of every PAUSE_DURATION + PAUSE_COOLDOWN
/// seconds at least PAUSE_COOLDOWN are unpaused. Every second spent paused is counted (`pausedSeconds`),
/// so a deadline that a pause must not eat moves back by the time spent paused since it was set.
/// The guardian (a multisig in production) or the owner may pause; only the owner lifts a pause early.
abstract contract GuardianPause is Ownable2Step {
    /// @notice The longest a pause lasts.
    uint256 public constant PAUSE_DURATION = 3 days;
    /// @notice How long after a pause ends before the next one may start.
    uint256 public constant PAUSE_COOLDOWN = 7 days;

    /// @notice May pause for a bounded time; can never move funds.
    address public guardian;
    uint40 private _pauseStart;
    uint40 private _pauseEnd;
    uint64 private _pausedBefore; // seconds spent paused in every pause before the latest one

    event GuardianSet(address indexed guardian);
    event Paused(address indexed by, uint256 until);
    event Unpaused(address indexed by);

    error NotGuardian(address caller);
    error EscrowPaused(uint256 until);
    error PauseCoolingDown(uint256 nextPauseAt);

    modifier whenNotPaused() {
        if (paused()) revert EscrowPaused(_pauseEnd);
        _;
    }

    constructor(address guardian_) {
        guardian = guardian_;
        emit GuardianSet(guardian_);
    }

    /// @notice Set (or with address(0) retire) the guardian; only the owner.
    function setGuardian(address guardian_) external onlyOwner {
        guardian = guardian_;
        emit GuardianSet(guardian_);
    }

    /// @notice Pause for PAUSE_DURATION; the guardian or the owner. Reverts with PauseCoolingDown while a
    /// pause runs and for PAUSE_COOLDOWN after it ended.
    function pause() external {
        if (msg.sender != guardian && msg.sender != owner()) revert NotGuardian(msg.sender);
        if (block.timestamp < nextPauseAt()) revert PauseCoolingDown(nextPauseAt());
        _pausedBefore = uint64(pausedSeconds());
        _pauseStart = uint40(block.timestamp);
        _pauseEnd = uint40(block.timestamp + PAUSE_DURATION);
        emit Paused(msg.sender, _pauseEnd);
    }

    /// @notice Lift a pause early; only the owner. Lifting no pause does nothing. The cooldown runs from now.
    function unpause() external onlyOwner {
        if (paused()) _pauseEnd = uint40(block.timestamp);
        emit Unpaused(msg.sender);
    }

    /// @notice Whether the contract is paused now.
    function paused() public view returns (bool) {
        return block.timestamp < _pauseEnd;
    }

    /// @notice When the current pause ends (0 when not paused).
    function pausedUntil() external view returns (uint256) {
        return paused() ? _pauseEnd : 0;
    }

    /// @notice The earliest time the next pause may start.
    function nextPauseAt() public view returns (uint256) {
        return _pauseEnd == 0 ? 0 : _pauseEnd + PAUSE_COOLDOWN;
    }

    /// @notice Seconds spent paused since deployment, the running pause included up to now.
    function pausedSeconds() public view returns (uint256) {
        return _pausedBefore + (Math.min(block.timestamp, _pauseEnd) - _pauseStart);
    }
}
