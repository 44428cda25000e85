"""Keys that must never sign anything in production, and the checks that refuse them at start-up.

The development defaults are public: the secret key is in this repository, and the evaluator key is one
of anvil's well-known development accounts. A production process that ran with either would let anyone
forge sessions or score attestations, so settings refuse to load with them when DEBUG is off.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"  # noqa: S105 - public on purpose
# anvil's development account #9 (mnemonic "test test … junk"): the evaluator of `make run`.
DEVELOPMENT_EVALUATOR_KEY = "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6"
# The platform's other chain keys under `make run`: anvil's accounts #0 (deploys), #1 (relays ballots,
# claims and commitments, pays the gas) and #2 (submits prize proposals for members); #3 is the guardian.
DEVELOPMENT_DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
DEVELOPMENT_RELAYER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
DEVELOPMENT_PROPOSER_KEY = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"
DEVELOPMENT_GUARDIAN_ADDRESS = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"

# The first 20 accounts of anvil's and Hardhat's development mnemonic; their keys are published in
# every tutorial. tests/platform/test_settings.py derives them from the mnemonic to keep this list true.
WELL_KNOWN_DEVELOPMENT_ADDRESSES = frozenset(
    address.lower()
    for address in (
        "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
        "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
        "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
        "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
        "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
        "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955",
        "0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f",
        "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720",
        "0xBcd4042DE499D14e55001CcbB24a551F3b954096",
        "0x71bE63f3384f5fb98995898A86B02Fb2426c5788",
        "0xFABB0ac9d68B0B445fB7357272Ff202C5651694a",
        "0x1CBd3b2770909D4e10f157cABC84C7264073C9Ec",
        "0xdF3e18d64BC6A983f673Ab319CCaE4f1a57C7097",
        "0xcd3B766CCDd6AE721141F452C550Ca635964ce71",
        "0x2546BcD3c84621e976D8185a91A922aE77ECEc30",
        "0xbDA5747bFD65F08deb54cb465eB87D40e51B197E",
        "0xdD2FD4581271e230360230F9337D5c0430Bf44C0",
        "0x8626f6940E2eb28930eFb4CeF49B2d1F2C9C1199",
    )
)


def refuse_development_secret_key(secret_key: str) -> None:
    """Raises ImproperlyConfigured when production would sign sessions with the public development key."""
    if secret_key == DEVELOPMENT_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is the public development key; set a secret one for production (DEBUG=false)."
        )


def refuse_development_evaluator_key(private_key: str) -> None:
    """Raises ImproperlyConfigured when the evaluator key belongs to a public development account."""
    refuse_development_chain_key("EVALUATOR_PRIVATE_KEY", private_key)


def refuse_development_chain_key(setting: str, private_key: str) -> None:
    """Raises ImproperlyConfigured when the key named `setting` belongs to a public development account."""
    if not private_key:
        return  # workers refuse to start without a key; the web process does not need one
    from eth_account import Account

    try:
        address = Account.from_key(private_key).address.lower()
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"{setting} is not a valid private key.") from exc
    if address in WELL_KNOWN_DEVELOPMENT_ADDRESSES:
        raise ImproperlyConfigured(
            f"{setting} is a public development key (anvil's test accounts); "
            "production needs a key of its own."
        )
