"""The chain layer: one client, one ABI loader, a typed wrapper per contract, and the deploy function.

Nothing outside this package talks to web3 directly.
"""
