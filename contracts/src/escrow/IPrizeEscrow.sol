// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title The prize escrow's types, events and errors
/// @notice Kept apart so that PrizeEscrow.sol holds only behaviour; the guardian pause, the evaluator set
/// and the submission commitments declare their own next to their code in this folder.
interface IPrizeEscrow {
    enum State { None, Open, Closed, Attested, Awarded, Finalized, Cancelled }

    /// @dev Amounts are uint128 so that two share a slot; deadlines are uint40 seconds (year 36812).
    struct Challenge {
        bytes32 specHash; // rules + sha256 of the hidden test set + hash of the split seed
        bytes32 resultsHash; // keccak256 of the canonical leaderboard JSON, once attested
        uint128 escrowed; // everything funders paid in (measured on arrival)
        uint128 awarded; // credited to winners by the award
        uint128 claimed; // paid out to winners
        uint128 refunded; // paid back to funders: all after a cancel, the unawarded part after an award
        uint128 swept; // unclaimed prizes sent to the treasury when finalized
        uint40 submissionDeadline; // last second a submission can be committed
        uint40 awardDeadline; // last second an award can execute or funds arrive; then anyone may cancel
        uint40 claimDeadline; // as the award set it; claimDeadlineOf adds the time paused since
        State state; // stored state; Closed is never stored, it is Open past the submission deadline
        uint128 refundedFunding; // sum of the funded amounts refunded so far: keeps pro-rata shares exact
        uint64 pausedAtAward; // pausedSeconds() when the award executed
        uint32 round; // results round; reopening the results starts the next one
    }

    event ChallengeCreated(uint256 indexed id, address indexed creator, bytes32 specHash, uint256 submissionDeadline, uint256 awardDeadline);
    event ChallengeFunded(uint256 indexed id, address indexed funder, uint256 amount);
    event ResultsAttested(uint256 indexed id, uint32 round, bytes32 resultsHash, address[] signers);
    event ResultsReopened(uint256 indexed id, uint32 round);
    event PrizeCredited(uint256 indexed id, address indexed account, uint256 amount);
    event PrizeAwarded(uint256 indexed id, bytes32 resultsHash, uint256 recipients, uint256 total, uint256 claimDeadline);
    event PrizeClaimed(uint256 indexed id, address indexed account, uint256 amount);
    event ClaimFailed(uint256 indexed id, address indexed account, uint256 amount);
    event ChallengeCancelled(uint256 indexed id, address indexed by);
    event Refunded(uint256 indexed id, address indexed funder, uint256 amount);
    event UnclaimedSwept(uint256 indexed id, uint256 amount);
    event SurplusSkimmed(uint256 amount);

    error ZeroAddress();
    error ChallengeNotFound(uint256 id);
    error WrongState(uint256 id, State state);
    error InvalidDeadlines(uint256 submissionDeadline, uint256 awardDeadline);
    error AwardDeadlineTooSoon(uint256 awardDeadline, uint256 earliest);
    error ZeroAmount();
    error NothingReceived(uint256 id);
    error ZeroResultsHash();
    error ResultsHashMismatch(uint256 id, bytes32 attested, bytes32 given);
    error AwardDeadlinePassed(uint256 id, uint256 awardDeadline);
    error RecipientCountOutOfRange(uint256 count, uint256 max);
    error LengthMismatch(uint256 recipients, uint256 amounts);
    error InvalidRecipient(uint256 index, address recipient);
    error ZeroAward(uint256 index);
    error AwardExceedsEscrow(uint256 id, uint256 total, uint256 escrowed);
    error ClaimWindowOutOfRange(uint256 window, uint256 min, uint256 max);
    error ClaimWindowClosed(uint256 id, uint256 claimDeadline);
    error ClaimWindowStillOpen(uint256 id, uint256 claimDeadline);
    error NothingToClaim(uint256 id, address account);
    error NothingToRefund(uint256 id, address funder);
    error NothingToSkim();
    error CancelNotAllowed(uint256 id, address caller, uint256 awardDeadline);
}
