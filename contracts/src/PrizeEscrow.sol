// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {ClueGovernor} from "./ClueGovernor.sol";
import {EvaluatorAttestations} from "./escrow/EvaluatorAttestations.sol";
import {GuardianPause} from "./escrow/GuardianPause.sol";
import {IPrizeEscrow} from "./escrow/IPrizeEscrow.sol";
import {SubmissionCommitments} from "./escrow/SubmissionCommitments.sol";

/// @title Clueboard prize escrow
/// @notice Holds each challenge's prize pool until the DAO awards it. A challenge moves one way:
/// Open -> Closed (submission deadline passed) -> Attested (evaluators signed the results) -> Awarded
/// (a passed proposal credited the winners) -> Finalized (unclaimed prizes swept to the treasury);
/// Open, Closed or Attested -> Cancelled (funders take their money back). What an award leaves unawarded
/// goes back to the funders pro rata, never to the treasury.
/// @dev The owner is the timelock: only a passed proposal can award, cancel or reopen results, and an
/// award must name the results hash the evaluators attested, so every payout is bound to an attested
/// evaluation. Winners are credited in a ledger and pull their prize (anyone may pull it for them), so one
/// reverting recipient cannot block the others or the proposal. The guardian can pause, never move funds,
/// and a pause moves every claim deadline back by its length (GuardianPause), so it cannot expire a prize.
contract PrizeEscrow is IPrizeEscrow, ReentrancyGuardTransient, GuardianPause, EvaluatorAttestations, SubmissionCommitments {
    using SafeERC20 for IERC20;

    uint256 public constant MAX_RECIPIENTS = 100;
    /// @notice Longer than the longest pause (PAUSE_DURATION), on top of the deadline moving back by pauses.
    uint256 public constant MIN_CLAIM_WINDOW = 7 days;
    uint256 public constant MAX_CLAIM_WINDOW = 365 days;

    /// @notice The prize token every challenge is funded and paid in.
    IERC20 public immutable token;
    /// @notice Where unclaimed prizes and skimmed surplus go (the timelock).
    address public immutable treasury;
    /// @notice The governor whose voting and timelock delays every award deadline must leave room for.
    ClueGovernor public immutable governor;
    /// @notice How many challenges exist; ids run from 1 to this.
    uint256 public challengeCount;
    /// @notice What the escrow owes across every challenge; tokens above it can be skimmed to the treasury.
    uint256 public totalHeld;

    mapping(uint256 id => Challenge) private _challenges;
    mapping(uint256 id => mapping(address account => uint256)) private _owed;
    /// @notice What each funder put into each challenge and has not been refunded.
    mapping(uint256 id => mapping(address funder => uint256)) public funded;

    /// @param token_ The prize token (fee-on-transfer tokens are measured; rebasing tokens are not supported).
    /// @param timelock Owner: awards, cancels, reopens results, sets evaluators and the guardian, unpauses.
    /// @param treasury_ Receives unclaimed prizes after the claim window and skimmed surplus (the timelock).
    /// @param governor_ The governor: award deadlines must leave room for a whole governance cycle.
    /// @param guardian_ May pause funding and payouts (GuardianPause); never moves funds.
    /// @param initialEvaluators Initial evaluator set that signs results attestations.
    /// @param threshold How many evaluators must sign (m of n).
    constructor(
        IERC20 token_,
        address timelock,
        address treasury_,
        ClueGovernor governor_,
        address guardian_,
        address[] memory initialEvaluators,
        uint256 threshold
    ) Ownable(timelock) EIP712("Clueboard PrizeEscrow", "1") GuardianPause(guardian_) {
        if (address(token_) == address(0) || treasury_ == address(0) || address(governor_) == address(0)) revert ZeroAddress();
        token = token_;
        treasury = treasury_;
        governor = governor_;
        _setEvaluators(initialEvaluators, threshold);
    }

    // ---------------------------------------------------------------- challenge life

    /// @notice Open a challenge. Anyone may; only the DAO can ever pay its pool out.
    /// @param specHash Commits the rules, the hidden test set's sha256 and the split seed hash.
    /// @param submissionDeadline Last second submissions can be committed.
    /// @param awardDeadline Last second an award can execute; it must leave a whole governance cycle after
    /// the submission deadline (governanceCycle). After it anyone may cancel for refunds.
    function createChallenge(bytes32 specHash, uint256 submissionDeadline, uint256 awardDeadline) external returns (uint256 id) {
        if (submissionDeadline <= block.timestamp || awardDeadline > type(uint40).max) {
            revert InvalidDeadlines(submissionDeadline, awardDeadline);
        }
        uint256 earliest = submissionDeadline + governanceCycle();
        if (awardDeadline < earliest) revert AwardDeadlineTooSoon(awardDeadline, earliest);
        id = ++challengeCount;
        Challenge storage c = _challenges[id];
        (c.specHash, c.submissionDeadline, c.awardDeadline) = (specHash, uint40(submissionDeadline), uint40(awardDeadline));
        c.state = State.Open;
        emit ChallengeCreated(id, msg.sender, specHash, submissionDeadline, awardDeadline);
    }

    /// @notice Add `amount` to a challenge's pool until its award deadline; credits what actually arrived.
    function fund(uint256 id, uint256 amount) external nonReentrant whenNotPaused {
        Challenge storage c = _existing(id);
        if (c.state != State.Open && c.state != State.Attested) revert WrongState(id, stateOf(id));
        if (block.timestamp > c.awardDeadline) revert AwardDeadlinePassed(id, c.awardDeadline);
        if (amount == 0) revert ZeroAmount();
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received == 0) revert NothingReceived(id);
        c.escrowed = SafeCast.toUint128(c.escrowed + received);
        funded[id][msg.sender] += received;
        totalHeld += received;
        emit ChallengeFunded(id, msg.sender, received);
    }

    /// @notice Record the evaluated results of the current round, signed by enough evaluators. Anyone relays.
    /// @param signers The signing evaluators (EOAs or ERC-1271 wallets), in ascending address order.
    /// @param signatures Their EIP-712 ResultsAttestation signatures, in the same order.
    function attestResults(uint256 id, bytes32 resultsHash, address[] calldata signers, bytes[] calldata signatures) external {
        if (stateOf(id) != State.Closed) revert WrongState(id, stateOf(id));
        if (resultsHash == bytes32(0)) revert ZeroResultsHash();
        Challenge storage c = _challenges[id];
        _checkAttestation(_attestationDigest(id, c.round, resultsHash, c.specHash), signers, signatures);
        c.resultsHash = resultsHash;
        c.state = State.Attested;
        emit ResultsAttested(id, c.round, resultsHash, signers);
    }

    /// @notice Send attested results back for correction: the challenge is Closed again, in a new round, and
    /// signatures of earlier rounds no longer count. Only the timelock.
    function reopenResults(uint256 id) external onlyOwner {
        Challenge storage c = _existing(id);
        if (c.state != State.Attested) revert WrongState(id, c.state);
        (c.state, c.resultsHash) = (State.Open, bytes32(0)); // Open past the submission deadline reads Closed
        emit ResultsReopened(id, ++c.round);
    }

    /// @notice Credit the winners; only the timelock, so only a passed proposal.
    /// @param resultsHash Must equal the attested hash: the vote is bound to the attested evaluation.
    /// @param recipients Winners (at most MAX_RECIPIENTS, neither zero nor this escrow); repeats add up.
    /// @param amounts What each is owed; the total may not exceed the pool, the rest goes back to funders.
    /// @param claimWindow Seconds winners have to claim, plus any time spent paused.
    function award(
        uint256 id,
        bytes32 resultsHash,
        address[] calldata recipients,
        uint256[] calldata amounts,
        uint256 claimWindow
    ) external onlyOwner {
        Challenge storage c = _existing(id);
        if (c.state != State.Attested) revert WrongState(id, stateOf(id));
        if (resultsHash != c.resultsHash) revert ResultsHashMismatch(id, c.resultsHash, resultsHash);
        if (block.timestamp > c.awardDeadline) revert AwardDeadlinePassed(id, c.awardDeadline);
        if (recipients.length == 0 || recipients.length > MAX_RECIPIENTS) {
            revert RecipientCountOutOfRange(recipients.length, MAX_RECIPIENTS);
        }
        if (recipients.length != amounts.length) revert LengthMismatch(recipients.length, amounts.length);
        if (claimWindow < MIN_CLAIM_WINDOW || claimWindow > MAX_CLAIM_WINDOW) {
            revert ClaimWindowOutOfRange(claimWindow, MIN_CLAIM_WINDOW, MAX_CLAIM_WINDOW);
        }
        uint256 total = _credit(id, recipients, amounts);
        if (total > c.escrowed) revert AwardExceedsEscrow(id, total, c.escrowed);
        c.awarded = uint128(total); // fits: not more than escrowed
        c.claimDeadline = uint40(block.timestamp + claimWindow);
        c.pausedAtAward = uint64(pausedSeconds());
        c.state = State.Awarded;
        emit PrizeAwarded(id, resultsHash, recipients.length, total, block.timestamp + claimWindow);
    }

    /// @notice Pay `account` what it was awarded; anyone may call it, the prize always goes to `account`.
    function claim(uint256 id, address account) external nonReentrant whenNotPaused {
        Challenge storage c = _claimable(id);
        uint256 amount = _owed[id][account];
        if (amount == 0) revert NothingToClaim(id, account);
        _owed[id][account] = 0; // before the transfer: a re-entering token finds nothing left
        c.claimed += uint128(amount);
        totalHeld -= amount;
        token.safeTransfer(account, amount);
        emit PrizeClaimed(id, account, amount);
    }

    /// @notice Pay several winners of one challenge in one transaction (a relayer amortises the base cost).
    /// @dev Accounts owed nothing are skipped; a transfer that fails leaves that credit in place and emits
    /// ClaimFailed, so one blocked recipient cannot stop the batch.
    function claimBatch(uint256 id, address[] calldata accounts) external nonReentrant whenNotPaused {
        Challenge storage c = _claimable(id);
        uint256 paid = 0;
        for (uint256 i = 0; i < accounts.length; ++i) {
            address account = accounts[i];
            uint256 amount = _owed[id][account];
            if (amount == 0) continue;
            _owed[id][account] = 0;
            if (token.trySafeTransfer(account, amount)) {
                paid += amount;
                emit PrizeClaimed(id, account, amount);
            } else {
                _owed[id][account] = amount;
                emit ClaimFailed(id, account, amount);
            }
        }
        c.claimed += uint128(paid);
        totalHeld -= paid;
    }

    /// @notice Cancel a challenge that was not awarded, so funders can take their money back.
    /// @dev The timelock may cancel at any time before the award; anyone may once the award deadline passed.
    function cancel(uint256 id) external {
        Challenge storage c = _existing(id);
        if (c.state != State.Open && c.state != State.Attested) revert WrongState(id, stateOf(id));
        if (msg.sender != owner() && block.timestamp <= c.awardDeadline) {
            revert CancelNotAllowed(id, msg.sender, c.awardDeadline);
        }
        c.state = State.Cancelled;
        emit ChallengeCancelled(id, msg.sender);
    }

    /// @notice Pay `funder` its share back: all it paid in after a cancel, its pro-rata share of what the
    /// award left unawarded after an award. Anyone may call it for the funder; it has no deadline.
    function refund(uint256 id, address funder) external nonReentrant whenNotPaused {
        Challenge storage c = _existing(id);
        if (c.state != State.Cancelled && c.state != State.Awarded && c.state != State.Finalized) {
            revert WrongState(id, stateOf(id));
        }
        uint256 amount = refundable(id, funder);
        if (amount == 0) revert NothingToRefund(id, funder);
        c.refundedFunding += uint128(funded[id][funder]);
        funded[id][funder] = 0;
        c.refunded += uint128(amount);
        totalHeld -= amount;
        token.safeTransfer(funder, amount);
        emit Refunded(id, funder, amount);
    }

    /// @notice After the claim window, send the prizes nobody claimed to the treasury.
    function sweepUnclaimed(uint256 id) external nonReentrant whenNotPaused {
        Challenge storage c = _existing(id);
        if (c.state != State.Awarded) revert WrongState(id, c.state);
        uint256 deadline = claimDeadlineOf(id);
        if (block.timestamp <= deadline) revert ClaimWindowStillOpen(id, deadline);
        uint256 amount = c.awarded - c.claimed;
        c.swept = uint128(amount);
        c.state = State.Finalized;
        totalHeld -= amount;
        if (amount > 0) token.safeTransfer(treasury, amount);
        emit UnclaimedSwept(id, amount);
    }

    // ---------------------------------------------------------------- administration (timelock)

    /// @notice Send tokens the escrow holds above what it owes (sent to it by mistake) to the treasury.
    function skim() external onlyOwner nonReentrant {
        uint256 surplus = token.balanceOf(address(this)) - Math.min(token.balanceOf(address(this)), totalHeld);
        if (surplus == 0) revert NothingToSkim();
        token.safeTransfer(treasury, surplus);
        emit SurplusSkimmed(surplus);
    }

    // ---------------------------------------------------------------- views

    /// @notice The challenge's state now, with Closed derived from the submission deadline; None if unknown.
    function stateOf(uint256 id) public view returns (State) {
        Challenge storage c = _challenges[id];
        if (c.state == State.Open && block.timestamp > c.submissionDeadline) return State.Closed;
        return c.state;
    }

    /// @notice Every stored field of a challenge.
    function getChallenge(uint256 id) external view returns (Challenge memory) {
        return _existing(id);
    }

    /// @notice What `account` can still claim from challenge `id` (zero once the challenge is finalized).
    function owed(uint256 id, address account) external view returns (uint256) {
        return _challenges[id].state == State.Finalized ? 0 : _owed[id][account];
    }

    /// @notice The last second winners can claim: the award's deadline plus every second paused since.
    function claimDeadlineOf(uint256 id) public view returns (uint256) {
        Challenge storage c = _challenges[id];
        return c.claimDeadline + (pausedSeconds() - c.pausedAtAward);
    }

    /// @notice What `refund(id, funder)` would pay now. The running total is rounded, not each share, so
    /// the funders of an award's remainder get exactly all of it between them.
    function refundable(uint256 id, address funder) public view returns (uint256) {
        Challenge storage c = _challenges[id];
        bool refunding = c.state == State.Cancelled || c.state == State.Awarded || c.state == State.Finalized;
        if (!refunding || c.escrowed == 0) return 0;
        uint256 pool = c.escrowed - c.awarded; // the whole pool after a cancel (nothing was awarded)
        uint256 before = c.refundedFunding;
        return Math.mulDiv(pool, before + funded[id][funder], c.escrowed) - Math.mulDiv(pool, before, c.escrowed);
    }

    /// @notice Seconds an award deadline must leave after the submission deadline: voting delay + voting
    /// period + late-quorum extension + timelock delay, read from the governor and its timelock now.
    function governanceCycle() public view returns (uint256) {
        TimelockController timelock = TimelockController(payable(governor.timelock()));
        return governor.votingDelay() + governor.votingPeriod() + governor.lateQuorumVoteExtension() + timelock.getMinDelay();
    }

    /// @notice The EIP-712 digest evaluators sign for `resultsHash` of challenge `id` in its current round.
    function attestationDigest(uint256 id, bytes32 resultsHash) external view returns (bytes32) {
        Challenge storage c = _existing(id);
        return _attestationDigest(id, c.round, resultsHash, c.specHash);
    }

    // ---------------------------------------------------------------- internals

    function _existing(uint256 id) private view returns (Challenge storage c) {
        c = _challenges[id];
        if (c.state == State.None) revert ChallengeNotFound(id);
    }

    function _checkAcceptsCommitments(uint256 id) internal view override {
        if (stateOf(id) != State.Open) revert WrongState(id, stateOf(id));
    }

    function _claimable(uint256 id) private view returns (Challenge storage c) {
        c = _existing(id);
        if (c.state != State.Awarded) revert WrongState(id, c.state);
        uint256 deadline = claimDeadlineOf(id);
        if (block.timestamp > deadline) revert ClaimWindowClosed(id, deadline);
    }

    function _credit(uint256 id, address[] calldata recipients, uint256[] calldata amounts) private returns (uint256 total) {
        for (uint256 i = 0; i < recipients.length; ++i) {
            address recipient = recipients[i];
            if (recipient == address(0) || recipient == address(this)) revert InvalidRecipient(i, recipient);
            if (amounts[i] == 0) revert ZeroAward(i);
            total += amounts[i];
            _owed[id][recipient] += amounts[i];
            emit PrizeCredited(id, recipient, amounts[i]);
        }
    }
}
