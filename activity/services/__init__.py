"""Writes of the activity app: watching challenges and sending digests."""
