"""Reads of the chain's mirror and the platform's records about it."""
