"""The REST API of the bounties app under /api/v1/: thin DRF views over the services and selectors."""
