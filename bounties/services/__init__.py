"""Writes and business rules of the bounties app, one module per area."""
