"""What the platform stores about the chain, one module per area; the chain stays the truth."""

from governance.models.challenges import ChallengeOnChain, ChallengeResults
from governance.models.commitments import CommitmentBatch, SubmissionCommitment
from governance.models.deployment import ChainDeployment
from governance.models.outbox import OutgoingTransaction, SenderRole
from governance.models.relayer import RelayerNonce

__all__ = [
    "ChainDeployment",
    "ChallengeOnChain",
    "ChallengeResults",
    "CommitmentBatch",
    "OutgoingTransaction",
    "RelayerNonce",
    "SenderRole",
    "SubmissionCommitment",
]
