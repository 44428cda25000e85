"""What the platform stores about the chain, one module per area; the chain stays the truth."""

from governance.models.ballots import RelayedBallot
from governance.models.delegation_requests import RelayedDelegation
from governance.models.deployment import ChainDeployment
from governance.models.outbox import OutgoingTransaction, SenderRole
from governance.models.proposals import PrizeProposalDraft
from governance.models.relayer import RelayerNonce

__all__ = [
    "ChainDeployment",
    "OutgoingTransaction",
    "PrizeProposalDraft",
    "RelayedBallot",
    "RelayedDelegation",
    "RelayerNonce",
    "SenderRole",
]
