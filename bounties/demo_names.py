"""The demo challenge's fixed names, apart from `bounties.demo`.

The chain process (`chain_node --demo-story`) needs only these names; `bounties.demo` brings in PyTorch and
scikit-learn to make the data and train the baselines, seconds of imports that process has no use for.
"""

DEMO_SLUG = "digits"
DEMO_ORGANIZER = "clueboard"
DEMO_BASELINE = "baseline"
