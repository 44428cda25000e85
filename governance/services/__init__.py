"""State changes that touch the chain: deployment, the outbox, commitments, ballots, wallets."""
