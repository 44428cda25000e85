"""What the platform stores about the chain, one module per area; the chain stays the truth."""

from governance.models.relayer import RelayerNonce

__all__ = ["RelayerNonce"]
