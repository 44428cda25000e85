"""Reads of the bounties app, one module per area; each returns querysets or plain data."""
