"""The chain indexer: reads the DAO's events into the database log, and derives the mirror from that log."""
