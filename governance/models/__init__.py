"""What the platform stores about the chain, one module per area; the chain stays the truth."""

from governance.models.deployment import ChainDeployment
from governance.models.outbox import OutgoingTransaction, SenderRole
from governance.models.relayer import RelayerNonce
from governance.models.wallets import SignInNonce, WalletLink

__all__ = [
    "ChainDeployment",
    "OutgoingTransaction",
    "RelayerNonce",
    "SenderRole",
    "SignInNonce",
    "WalletLink",
]
