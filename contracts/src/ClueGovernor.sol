// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Governor} from "@openzeppelin/contracts/governance/Governor.sol";
import {GovernorSettings} from "@openzeppelin/contracts/governance/extensions/GovernorSettings.sol";
import {GovernorCountingSimple} from "@openzeppelin/contracts/governance/extensions/GovernorCountingSimple.sol";
import {GovernorVotes} from "@openzeppelin/contracts/governance/extensions/GovernorVotes.sol";
import {GovernorVotesQuorumFraction} from "@openzeppelin/contracts/governance/extensions/GovernorVotesQuorumFraction.sol";
import {GovernorPreventLateQuorum} from "@openzeppelin/contracts/governance/extensions/GovernorPreventLateQuorum.sol";
import {GovernorTimelockControl} from "@openzeppelin/contracts/governance/extensions/GovernorTimelockControl.sol";
import {GovernorNoncesKeyed} from "@openzeppelin/contracts/governance/extensions/GovernorNoncesKeyed.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IVotes} from "@openzeppelin/contracts/governance/utils/IVotes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title Clueboard governor
/// @notice Token holders propose and vote; passed proposals run through the timelock, which owns the
/// treasury and the prize escrow. Votes can be cast directly or by an EIP-712 signature that a relayer
/// submits; each proposal has its own nonce sequence per voter (GovernorNoncesKeyed), so relayed ballots
/// for different proposals do not invalidate each other.
/// Proposing needs a real threshold of votes, and descriptions end with OpenZeppelin's `#proposer=0x...`
/// suffix (the wrappers add it), so a copied pending proposal can neither be submitted by someone else
/// nor cancelled by them. A queued proposal that was not executed within `executionGracePeriod` of its
/// eta is Expired and can no longer run: the timelock's only executor is this governor.
/// @dev Configuration of OpenZeppelin modules; the only logic of its own is the expiry in `state`.
contract ClueGovernor is
    Governor,
    GovernorSettings,
    GovernorCountingSimple,
    GovernorVotes,
    GovernorVotesQuorumFraction,
    GovernorPreventLateQuorum,
    GovernorTimelockControl,
    GovernorNoncesKeyed
{
    /// @notice Seconds after its eta during which a queued proposal can be executed; then it is Expired.
    uint256 public immutable executionGracePeriod;

    /// @param token The voting token (timestamp clock).
    /// @param timelock The timelock that executes passed proposals and holds the funds.
    /// @param votingDelay Seconds between proposal and the vote opening (the voting power snapshot).
    /// @param votingPeriod Seconds the vote stays open.
    /// @param quorumPercent Quorum as a percentage of the total supply at the snapshot.
    /// @param lateQuorumExtension Seconds the vote is extended when quorum is first reached late.
    /// @param proposalThreshold_ Votes an account needs (one second before proposing) to propose.
    /// @param executionGracePeriod_ Seconds a queued proposal stays executable after its eta.
    constructor(
        IVotes token,
        TimelockController timelock,
        uint48 votingDelay,
        uint32 votingPeriod,
        uint256 quorumPercent,
        uint48 lateQuorumExtension,
        uint256 proposalThreshold_,
        uint256 executionGracePeriod_
    )
        Governor("Clueboard Governor")
        GovernorSettings(votingDelay, votingPeriod, proposalThreshold_)
        GovernorVotes(token)
        GovernorVotesQuorumFraction(quorumPercent)
        GovernorPreventLateQuorum(lateQuorumExtension)
        GovernorTimelockControl(timelock)
    {
        executionGracePeriod = executionGracePeriod_;
    }

    /// @notice The proposal's state; a queued proposal past its eta plus `executionGracePeriod` is Expired.
    /// @dev OpenZeppelin's TimelockControl never expires anything (only TimelockCompound returns Expired).
    /// `execute` and `cancel` both check this state, so an expired proposal can do nothing any more.
    function state(
        uint256 proposalId
    ) public view override(Governor, GovernorTimelockControl) returns (ProposalState) {
        ProposalState current = super.state(proposalId);
        if (current == ProposalState.Queued && clock() > proposalEta(proposalId) + executionGracePeriod) {
            return ProposalState.Expired;
        }
        return current;
    }

    // The overrides below only resolve which parent implementation wins; none adds behaviour.

    /// @inheritdoc Governor
    function proposalDeadline(
        uint256 proposalId
    ) public view override(Governor, GovernorPreventLateQuorum) returns (uint256) {
        return super.proposalDeadline(proposalId);
    }

    /// @inheritdoc Governor
    function proposalThreshold() public view override(Governor, GovernorSettings) returns (uint256) {
        return super.proposalThreshold();
    }

    /// @inheritdoc Governor
    function proposalNeedsQueuing(
        uint256 proposalId
    ) public view override(Governor, GovernorTimelockControl) returns (bool) {
        return super.proposalNeedsQueuing(proposalId);
    }

    function _tallyUpdated(uint256 proposalId) internal override(Governor, GovernorPreventLateQuorum) {
        super._tallyUpdated(proposalId);
    }

    function _queueOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint48) {
        return super._queueOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _executeOperations(
        uint256 proposalId,
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) {
        super._executeOperations(proposalId, targets, values, calldatas, descriptionHash);
    }

    function _cancel(
        address[] memory targets,
        uint256[] memory values,
        bytes[] memory calldatas,
        bytes32 descriptionHash
    ) internal override(Governor, GovernorTimelockControl) returns (uint256) {
        return super._cancel(targets, values, calldatas, descriptionHash);
    }

    function _executor() internal view override(Governor, GovernorTimelockControl) returns (address) {
        return super._executor();
    }

    function _validateVoteSig(
        uint256 proposalId,
        uint8 support,
        address voter,
        bytes memory signature
    ) internal override(Governor, GovernorNoncesKeyed) returns (bool) {
        return super._validateVoteSig(proposalId, support, voter, signature);
    }

    function _validateExtendedVoteSig(
        uint256 proposalId,
        uint8 support,
        address voter,
        string memory reason,
        bytes memory params,
        bytes memory signature
    ) internal override(Governor, GovernorNoncesKeyed) returns (bool) {
        return super._validateExtendedVoteSig(proposalId, support, voter, reason, params, signature);
    }

    function _useCheckedNonce(address owner, uint256 nonce) internal override(Nonces, GovernorNoncesKeyed) {
        super._useCheckedNonce(owner, nonce);
    }
}
