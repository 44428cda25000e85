"""What the platform stores about the chain, one module per area; the chain stays the truth."""

from governance.models.ballots import RelayedBallot
from governance.models.challenges import ChallengeOnChain, ChallengeResults
from governance.models.commitments import ClueCommitment, CommitmentBatch, SubmissionCommitment
from governance.models.delegation import DelegateMirror, DelegationMirror
from governance.models.delegation_requests import RelayedDelegation
from governance.models.deployment import ChainDeployment
from governance.models.mirror import ChainEvent, ChainSyncCursor, UintField
from governance.models.outbox import OutgoingTransaction, SenderRole
from governance.models.prize_proposals import PrizeProposalDraft
from governance.models.proposals import ProposalMirror, VoteMirror
from governance.models.relayer import RelayerNonce
from governance.models.treasury import PoolAttestation, PoolCommitment, PoolMirror, PoolMovement
from governance.models.wallets import SignInNonce, WalletLink

__all__ = [
    "ChainDeployment",
    "ChainEvent",
    "ChainSyncCursor",
    "ChallengeOnChain",
    "ChallengeResults",
    "ClueCommitment",
    "CommitmentBatch",
    "DelegateMirror",
    "DelegationMirror",
    "OutgoingTransaction",
    "PoolAttestation",
    "PoolCommitment",
    "PoolMirror",
    "PoolMovement",
    "PrizeProposalDraft",
    "ProposalMirror",
    "RelayedBallot",
    "RelayedDelegation",
    "RelayerNonce",
    "SenderRole",
    "SignInNonce",
    "SubmissionCommitment",
    "UintField",
    "VoteMirror",
    "WalletLink",
]
