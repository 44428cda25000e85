"""Wallets: the Sign-In with Ethereum verifier (Django-free); the services live in governance.services."""
