"""Server-rendered pages of the bounties app, one module per area; each view calls selectors and services."""
