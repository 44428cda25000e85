// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title Clueboard prize escrow
/// @notice Holds each challenge's prize pool until the DAO awards it. A challenge moves one way:
/// Open -> Closed (submission deadline passed) -> Attested (evaluators signed the results) -> Awarded
/// (a passed proposal credited the winners) -> Finalized (unclaimed remainder swept to the treasury);
/// Open, Closed or Attested -> Cancelled (funders take their money back).
/// @dev The owner is the timelock: only a passed proposal can award or cancel, and an award must name the
/// results hash the evaluators attested, so every payout is bound to an attested evaluation. Winners are
/// credited in a ledger and pull their prize (anyone may pull it for them), so one reverting recipient
/// cannot block the others or the proposal.
contract PrizeEscrow is Ownable, ReentrancyGuardTransient, EIP712 {
    using SafeERC20 for IERC20;

    enum State { None, Open, Closed, Attested, Awarded, Finalized, Cancelled }

    /// @dev Amounts are uint128 so that two share a slot; deadlines are uint40 seconds (year 36812).
    struct Challenge {
        bytes32 specHash; // rules + sha256 of the hidden test set + hash of the split seed
        bytes32 resultsHash; // keccak256 of the canonical leaderboard JSON, once attested
        uint128 escrowed; // everything funders paid in (measured on arrival)
        uint128 awarded; // credited to winners by the award
        uint128 claimed; // paid out to winners
        uint128 refunded; // paid back to funders after a cancel
        uint128 swept; // sent to the treasury when finalized
        uint40 submissionDeadline; // last second a submission can be committed
        uint40 awardDeadline; // last second an award can execute; afterwards anyone may cancel
        uint40 claimDeadline; // last second winners can claim
        State state; // stored state; Closed is never stored, it is Open past the submission deadline
    }

    /// @dev One slot: who committed a submission hash first, when, and for which challenge.
    struct Commitment {
        address committer;
        uint48 committedAt;
        uint48 challengeId;
    }

    bytes32 public constant RESULTS_ATTESTATION_TYPEHASH =
        keccak256("ResultsAttestation(uint256 challengeId,bytes32 resultsHash,bytes32 specHash)");
    uint256 public constant MAX_RECIPIENTS = 100;
    uint256 public constant MIN_CLAIM_WINDOW = 1 hours;
    uint256 public constant MAX_CLAIM_WINDOW = 365 days;
    /// @notice How long a pause lasts unless the timelock lifts it earlier; a guardian cannot freeze for ever.
    uint256 public constant PAUSE_DURATION = 7 days;

    /// @notice The prize token every challenge is funded and paid in.
    IERC20 public immutable token;
    /// @notice Where unclaimed prizes go after the claim window (the timelock).
    address public immutable treasury;
    /// @notice May pause funding and payouts; can never move funds.
    address public guardian;
    /// @notice Funding and payouts are paused until this timestamp (0: not paused).
    uint40 public pausedUntil;
    /// @notice How many evaluators must sign a results attestation.
    uint32 public evaluatorThreshold;
    uint32 private _evaluatorGeneration; // bumped on every set change, so old members drop out at once
    /// @notice How many challenges exist; ids run from 1 to this.
    uint256 public challengeCount;
    address[] private _evaluators;

    mapping(address evaluator => uint32 generation) private _evaluatorGenerationOf;
    mapping(uint256 id => Challenge) private _challenges;
    /// @notice What each account can still claim from each challenge.
    mapping(uint256 id => mapping(address account => uint256)) public owed;
    /// @notice What each funder put into each challenge and has not been refunded.
    mapping(uint256 id => mapping(address funder => uint256)) public funded;
    mapping(bytes32 submissionHash => Commitment) private _commitments;

    event ChallengeCreated(uint256 indexed id, address indexed creator, bytes32 specHash, uint256 submissionDeadline, uint256 awardDeadline);
    event ChallengeFunded(uint256 indexed id, address indexed funder, uint256 amount);
    event SubmissionCommitted(uint256 indexed id, bytes32 indexed submissionHash, address indexed committer);
    event ResultsAttested(uint256 indexed id, bytes32 resultsHash, address[] signers);
    event PrizeCredited(uint256 indexed id, address indexed account, uint256 amount);
    event PrizeAwarded(uint256 indexed id, bytes32 resultsHash, uint256 recipients, uint256 total, uint256 claimDeadline);
    event PrizeClaimed(uint256 indexed id, address indexed account, uint256 amount);
    event ClaimFailed(uint256 indexed id, address indexed account, uint256 amount);
    event ChallengeCancelled(uint256 indexed id, address indexed by);
    event Refunded(uint256 indexed id, address indexed funder, uint256 amount);
    event UnclaimedSwept(uint256 indexed id, uint256 amount);
    event EvaluatorsSet(address[] evaluators, uint256 threshold);
    event GuardianSet(address indexed guardian);
    event Paused(address indexed by, uint256 until);
    event Unpaused(address indexed by);

    error ZeroAddress();
    error ChallengeNotFound(uint256 id);
    error WrongState(uint256 id, State state);
    error InvalidDeadlines(uint256 submissionDeadline, uint256 awardDeadline);
    error ZeroAmount();
    error NothingReceived(uint256 id);
    error AlreadyCommitted(bytes32 submissionHash, address committer, uint256 committedAt);
    error ZeroResultsHash();
    error NotEnoughSignatures(uint256 given, uint256 threshold);
    error SignerNotEvaluator(address signer);
    error SignersNotAscending(address signer);
    error ResultsHashMismatch(uint256 id, bytes32 attested, bytes32 given);
    error AwardDeadlinePassed(uint256 id, uint256 awardDeadline);
    error RecipientCountOutOfRange(uint256 count, uint256 max);
    error LengthMismatch(uint256 recipients, uint256 amounts);
    error ZeroRecipient(uint256 index);
    error ZeroAward(uint256 index);
    error AwardExceedsEscrow(uint256 id, uint256 total, uint256 escrowed);
    error ClaimWindowOutOfRange(uint256 window, uint256 min, uint256 max);
    error ClaimWindowClosed(uint256 id, uint256 claimDeadline);
    error ClaimWindowStillOpen(uint256 id, uint256 claimDeadline);
    error NothingToClaim(uint256 id, address account);
    error NothingToRefund(uint256 id, address funder);
    error CancelNotAllowed(uint256 id, address caller, uint256 awardDeadline);
    error InvalidEvaluatorSet(uint256 count, uint256 threshold);
    error DuplicateEvaluator(address evaluator);
    error NotGuardian(address caller);
    error EscrowPaused(uint256 until);
    error AlreadyPaused(uint256 until);

    modifier whenNotPaused() {
        if (block.timestamp < pausedUntil) revert EscrowPaused(pausedUntil);
        _;
    }

    /// @param token_ The prize token (no fee-on-transfer or rebasing tokens, though fees are measured).
    /// @param timelock Owner: awards, cancels, sets evaluators and the guardian, unpauses.
    /// @param treasury_ Receives unclaimed prizes after the claim window (the timelock).
    /// @param guardian_ May pause funding and payouts for at most PAUSE_DURATION; never moves funds.
    /// @param initialEvaluators Initial evaluator set that signs results attestations.
    /// @param threshold How many evaluators must sign (m of n).
    constructor(
        IERC20 token_,
        address timelock,
        address treasury_,
        address guardian_,
        address[] memory initialEvaluators,
        uint256 threshold
    ) Ownable(timelock) EIP712("Clueboard PrizeEscrow", "1") {
        if (address(token_) == address(0) || treasury_ == address(0)) revert ZeroAddress();
        token = token_;
        treasury = treasury_;
        guardian = guardian_;
        emit GuardianSet(guardian_);
        _setEvaluators(initialEvaluators, threshold);
    }

    // ---------------------------------------------------------------- challenge life

    /// @notice Open a challenge. Anyone may; only the DAO can ever pay its pool out.
    /// @param specHash Commits the rules, the hidden test set's sha256 and the split seed hash.
    /// @param submissionDeadline Last second submissions can be committed.
    /// @param awardDeadline Last second an award can execute; after it anyone may cancel for refunds.
    /// @return id The new challenge id (sequential from 1).
    function createChallenge(bytes32 specHash, uint256 submissionDeadline, uint256 awardDeadline) external returns (uint256 id) {
        if (submissionDeadline <= block.timestamp || awardDeadline <= submissionDeadline || awardDeadline > type(uint40).max) {
            revert InvalidDeadlines(submissionDeadline, awardDeadline);
        }
        id = ++challengeCount;
        Challenge storage c = _challenges[id];
        c.specHash = specHash;
        c.submissionDeadline = uint40(submissionDeadline);
        c.awardDeadline = uint40(awardDeadline);
        c.state = State.Open;
        emit ChallengeCreated(id, msg.sender, specHash, submissionDeadline, awardDeadline);
    }

    /// @notice Add `amount` to a challenge's pool; anyone may, until the award. Credits what actually arrived.
    /// @dev Requires an allowance. Reverts with WrongState after the award or a cancel, EscrowPaused when paused.
    function fund(uint256 id, uint256 amount) external nonReentrant whenNotPaused {
        Challenge storage c = _existing(id);
        if (c.state != State.Open && c.state != State.Attested) revert WrongState(id, stateOf(id));
        if (amount == 0) revert ZeroAmount();
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received == 0) revert NothingReceived(id);
        c.escrowed = SafeCast.toUint128(c.escrowed + received);
        funded[id][msg.sender] += received;
        emit ChallengeFunded(id, msg.sender, received);
    }

    /// @notice Record a submission commitment; the first commit of a hash keeps its priority for ever.
    /// @dev Include the committer's address in `submissionHash`, so a copied hash proves nothing for the copier.
    function commit(uint256 id, bytes32 submissionHash) external {
        _existing(id);
        if (stateOf(id) != State.Open) revert WrongState(id, stateOf(id));
        Commitment memory existing = _commitments[submissionHash];
        if (existing.committer != address(0)) {
            revert AlreadyCommitted(submissionHash, existing.committer, existing.committedAt);
        }
        _commitments[submissionHash] = Commitment(msg.sender, uint48(block.timestamp), SafeCast.toUint48(id));
        emit SubmissionCommitted(id, submissionHash, msg.sender);
    }

    /// @notice Record the evaluated results, signed by at least `evaluatorThreshold` evaluators. Anyone relays.
    /// @param signatures EIP-712 ResultsAttestation signatures, ordered by ascending signer address.
    /// @dev Reverts with WrongState before the submission deadline or once attested, and with the signature
    /// errors when a signer is not an evaluator, repeats, or there are too few.
    function attestResults(uint256 id, bytes32 resultsHash, bytes[] calldata signatures) external {
        _existing(id);
        if (stateOf(id) != State.Closed) revert WrongState(id, stateOf(id));
        if (resultsHash == bytes32(0)) revert ZeroResultsHash();
        if (signatures.length < evaluatorThreshold) revert NotEnoughSignatures(signatures.length, evaluatorThreshold);
        bytes32 digest = attestationDigest(id, resultsHash);
        address[] memory signers = new address[](signatures.length);
        address previous = address(0);
        for (uint256 i = 0; i < signatures.length; ++i) {
            address signer = ECDSA.recoverCalldata(digest, signatures[i]);
            if (signer <= previous) revert SignersNotAscending(signer); // also rules out one signer counted twice
            if (!isEvaluator(signer)) revert SignerNotEvaluator(signer);
            signers[i] = previous = signer;
        }
        Challenge storage c = _challenges[id];
        c.resultsHash = resultsHash;
        c.state = State.Attested;
        emit ResultsAttested(id, resultsHash, signers);
    }

    /// @notice Credit the winners; only the timelock, so only a passed proposal.
    /// @param resultsHash Must equal the attested hash: the vote is bound to the attested evaluation.
    /// @param recipients Winners (at most MAX_RECIPIENTS, no zero address); a repeated address adds up.
    /// @param amounts What each is owed; the total may not exceed the pool.
    /// @param claimWindow Seconds winners have to claim before the remainder can be swept to the treasury.
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
        c.state = State.Awarded;
        emit PrizeAwarded(id, resultsHash, recipients.length, total, block.timestamp + claimWindow);
    }

    /// @notice Pay `account` what it was awarded; anyone may call it, the prize always goes to `account`.
    /// @dev Reverts with NothingToClaim when nothing is owed (including a second claim), ClaimWindowClosed
    /// after the window, and with the token's error when the transfer fails.
    function claim(uint256 id, address account) external nonReentrant whenNotPaused {
        Challenge storage c = _claimable(id);
        uint256 amount = owed[id][account];
        if (amount == 0) revert NothingToClaim(id, account);
        owed[id][account] = 0; // before the transfer: a re-entering token finds nothing left
        c.claimed += uint128(amount);
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
            uint256 amount = owed[id][account];
            if (amount == 0) continue;
            owed[id][account] = 0;
            if (token.trySafeTransfer(account, amount)) {
                paid += amount;
                emit PrizeClaimed(id, account, amount);
            } else {
                owed[id][account] = amount;
                emit ClaimFailed(id, account, amount);
            }
        }
        c.claimed += uint128(paid);
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

    /// @notice Return `funder`'s contribution to a cancelled challenge; anyone may call it for the funder.
    function refund(uint256 id, address funder) external nonReentrant whenNotPaused {
        Challenge storage c = _existing(id);
        if (c.state != State.Cancelled) revert WrongState(id, c.state);
        uint256 amount = funded[id][funder];
        if (amount == 0) revert NothingToRefund(id, funder);
        funded[id][funder] = 0;
        c.refunded += uint128(amount);
        token.safeTransfer(funder, amount);
        emit Refunded(id, funder, amount);
    }

    /// @notice After the claim window, send what is left of the pool (unclaimed and unawarded) to the treasury.
    function sweepUnclaimed(uint256 id) external nonReentrant whenNotPaused {
        Challenge storage c = _existing(id);
        if (c.state != State.Awarded) revert WrongState(id, c.state);
        if (block.timestamp <= c.claimDeadline) revert ClaimWindowStillOpen(id, c.claimDeadline);
        uint256 amount = c.escrowed - c.claimed;
        c.swept = uint128(amount);
        c.state = State.Finalized;
        if (amount > 0) token.safeTransfer(treasury, amount);
        emit UnclaimedSwept(id, amount);
    }

    // ---------------------------------------------------------------- administration

    /// @notice Replace the evaluator set and threshold; only the timelock.
    function setEvaluators(address[] calldata newEvaluators, uint256 threshold) external onlyOwner {
        _setEvaluators(newEvaluators, threshold);
    }

    /// @notice Set (or with address(0) retire) the guardian; only the timelock.
    function setGuardian(address guardian_) external onlyOwner {
        guardian = guardian_;
        emit GuardianSet(guardian_);
    }

    /// @notice Stop funding, claims, refunds and sweeps for PAUSE_DURATION; guardian or timelock.
    /// @dev Moves no funds. Reverts with AlreadyPaused while a pause runs, so it cannot be stretched.
    function pause() external {
        if (msg.sender != guardian && msg.sender != owner()) revert NotGuardian(msg.sender);
        if (block.timestamp < pausedUntil) revert AlreadyPaused(pausedUntil);
        pausedUntil = uint40(block.timestamp + PAUSE_DURATION);
        emit Paused(msg.sender, pausedUntil);
    }

    /// @notice Lift a pause early; only the timelock.
    function unpause() external onlyOwner {
        pausedUntil = 0;
        emit Unpaused(msg.sender);
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

    /// @notice Who committed `submissionHash` first, when, and for which challenge (zero if never).
    function commitmentOf(bytes32 submissionHash) external view returns (Commitment memory) {
        return _commitments[submissionHash];
    }

    /// @notice The current evaluator set.
    function evaluators() external view returns (address[] memory) {
        return _evaluators;
    }

    /// @notice Whether `account` is in the current evaluator set.
    function isEvaluator(address account) public view returns (bool) {
        return account != address(0) && _evaluatorGenerationOf[account] == _evaluatorGeneration;
    }

    /// @notice Whether funding and payouts are paused now.
    function paused() external view returns (bool) {
        return block.timestamp < pausedUntil;
    }

    /// @notice The EIP-712 digest evaluators sign for `resultsHash` of challenge `id`.
    function attestationDigest(uint256 id, bytes32 resultsHash) public view returns (bytes32) {
        bytes32 specHash = _existing(id).specHash;
        return _hashTypedDataV4(keccak256(abi.encode(RESULTS_ATTESTATION_TYPEHASH, id, resultsHash, specHash)));
    }

    // ---------------------------------------------------------------- internals

    function _existing(uint256 id) private view returns (Challenge storage c) {
        c = _challenges[id];
        if (c.state == State.None) revert ChallengeNotFound(id);
    }

    function _claimable(uint256 id) private view returns (Challenge storage c) {
        c = _existing(id);
        if (c.state != State.Awarded) revert WrongState(id, c.state);
        if (block.timestamp > c.claimDeadline) revert ClaimWindowClosed(id, c.claimDeadline);
    }

    function _credit(uint256 id, address[] calldata recipients, uint256[] calldata amounts) private returns (uint256 total) {
        for (uint256 i = 0; i < recipients.length; ++i) {
            if (recipients[i] == address(0)) revert ZeroRecipient(i);
            if (amounts[i] == 0) revert ZeroAward(i);
            total += amounts[i];
            owed[id][recipients[i]] += amounts[i];
            emit PrizeCredited(id, recipients[i], amounts[i]);
        }
    }

    function _setEvaluators(address[] memory evaluators_, uint256 threshold) private {
        if (threshold == 0 || threshold > evaluators_.length) revert InvalidEvaluatorSet(evaluators_.length, threshold);
        uint32 generation = ++_evaluatorGeneration;
        for (uint256 i = 0; i < evaluators_.length; ++i) {
            address evaluator = evaluators_[i];
            if (evaluator == address(0)) revert ZeroAddress();
            if (_evaluatorGenerationOf[evaluator] == generation) revert DuplicateEvaluator(evaluator);
            _evaluatorGenerationOf[evaluator] = generation;
        }
        _evaluators = evaluators_;
        evaluatorThreshold = uint32(threshold);
        emit EvaluatorsSet(evaluators_, threshold);
    }
}
