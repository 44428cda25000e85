"""The demo's accounts as `make run` prints them: web logins, wallet addresses and development keys."""

from __future__ import annotations

from django.conf import settings

from governance.chain.anvil import dev_accounts
from governance.demo import cast
from governance.services.deployment import DEMO_MEMBER_ACCOUNT_INDEXES


def demo_accounts_text() -> str:
    """A table of every demo account; the keys are anvil's public development keys (chain 31337 only)."""
    accounts = dev_accounts(max(DEMO_MEMBER_ACCOUNT_INDEXES) + 6)
    lines = [
        "Demo accounts (development keys, public: chain 31337 at " + settings.CHAIN_RPC_URL + " only).",
        f"Web login: username and password '{cast.DEMO_PASSWORD}'. Wallet: import the private key.",
    ]
    for person in cast.PEOPLE:
        account = accounts[person.account_index]
        lines.append(
            f"  {person.role:<11} {person.username:<9} {account.address}  0x{bytes(account.key).hex()}"
        )
    named = {person.account_index for person in cast.PEOPLE}
    for index in DEMO_MEMBER_ACCOUNT_INDEXES:
        if index not in named:
            account = accounts[index]
            lines.append(f"  {'member':<11} {'(wallet)':<9} {account.address}  0x{bytes(account.key).hex()}")
    lines.append("Members hold 50,000 votes each; two members' votes reach the quorum.")
    return "\n".join(lines)
