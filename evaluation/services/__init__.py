"""Writes and rules of the evaluation app, one module per area."""
