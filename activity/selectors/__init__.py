"""Reads of the activity app: the challenge feed and who watches what."""
