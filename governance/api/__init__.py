"""The governance API under /api/v1/governance/: the chain's data as the platform mirrors it."""
