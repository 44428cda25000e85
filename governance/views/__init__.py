"""Web pages of the governance app (proposals here; delegates, treasury and members elsewhere)."""
