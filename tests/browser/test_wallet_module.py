"""static/js/wallet.js in a real browser, against anvil through the injected wallet: the API other pages use."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse
from eth_account import Account
from eth_account.messages import encode_defunct, encode_typed_data

from governance.chain.client import ChainClient
from tests.browser.conftest import InjectedWallet

TYPED_DATA = {
    "types": {
        "EIP712Domain": [
            {"name": "name", "type": "string"},
            {"name": "version", "type": "string"},
            {"name": "chainId", "type": "uint256"},
        ],
        "Ballot": [{"name": "proposalId", "type": "uint256"}, {"name": "support", "type": "uint8"}],
    },
    "primaryType": "Ballot",
    "domain": {"name": "ClueGovernor", "version": "1", "chainId": 31337},
    "message": {"proposalId": 7, "support": 1},
}


def run(page: Any, body: str, arg: Any = None) -> Any:
    """Run `body` (an async function body with `w` = the module and `arg`) in the page; its result.

    A thrown WalletError comes back as {"error": code, "message": text}.
    """
    script = f"""async (arg) => {{
      const w = await import("/static/js/wallet.js");
      try {{ {body} }} catch (error) {{
        if (error instanceof w.WalletError) return {{ error: error.code, message: error.message }};
        throw error;
      }}
    }}"""
    return page.evaluate(script, arg)


def open_site(page: Any, site: str) -> None:
    page.goto(site + reverse("account_login"))


def test_connect_and_personal_sign_use_the_wallets_account(
    page: Any, site: str, wallet: InjectedWallet
) -> None:
    open_site(page, site)

    answer = run(page, 'const a = await w.connect(); return [a, await w.personalSign(a, "héllo\\nworld")];')

    assert answer[0] == wallet.account.lower()
    assert Account.recover_message(encode_defunct(text="héllo\nworld"), signature=answer[1]) == wallet.account


def test_sign_typed_data_v4_gives_an_eip712_signature(page: Any, site: str, wallet: InjectedWallet) -> None:
    open_site(page, site)

    signature = run(page, "return await w.signTypedDataV4(await w.connect(), arg);", TYPED_DATA)

    assert (
        Account.recover_message(encode_typed_data(full_message=TYPED_DATA), signature=signature)
        == wallet.account
    )


def test_send_transaction_and_wait_for_its_receipt(
    page: Any, site: str, wallet: InjectedWallet, browser_chain: ChainClient, dev_addresses: list[str]
) -> None:
    open_site(page, site)
    recipient = dev_addresses[5]
    before = browser_chain.w3.eth.get_balance(recipient)  # type: ignore[arg-type]

    receipt = run(
        page,
        """const from = await w.connect();
        const hash = await w.sendTransaction({ from, to: arg, value: "0x3e8" });
        return await w.waitForReceipt(hash, { intervalMs: 100, timeoutMs: 20000 });""",
        recipient,
    )

    assert receipt["status"] == "0x1"
    assert browser_chain.w3.eth.get_balance(recipient) == before + 1000  # type: ignore[arg-type]


def test_ensure_chain_adds_an_unknown_chain_then_switches_to_it(
    page: Any, site: str, wallet: InjectedWallet
) -> None:
    open_site(page, site)
    site_chain = wallet.chain_id
    wallet.chain_id, wallet.known_chains = 1, {1}  # on mainnet, never heard of the site's chain

    config = run(
        page, "const c = await w.chainConfig(); await w.ensureChain(c); return [c, await w.chainId()];"
    )

    assert config == [
        {"chainId": site_chain, "chainIdHex": hex(site_chain), "rpcUrl": wallet.rpc_url},
        site_chain,
    ]
    assert wallet.calls[-4:] == [
        "eth_chainId",
        "wallet_switchEthereumChain",
        "wallet_addEthereumChain",
        "eth_chainId",
    ]


def test_ensure_chain_does_nothing_on_the_right_chain(page: Any, site: str, wallet: InjectedWallet) -> None:
    open_site(page, site)

    run(page, "await w.ensureChain();")

    assert "wallet_switchEthereumChain" not in wallet.calls and "wallet_addEthereumChain" not in wallet.calls


def test_errors_have_codes_and_fixed_messages(page: Any, site: str, wallet: InjectedWallet) -> None:
    open_site(page, site)
    wallet.reject_next = True

    rejected = run(page, 'return await w.personalSign(await w.connect(), "x");')
    refused = run(
        page, 'return await w.postJSON("/accounts/wallet/sign-in/", {message: "x", signature: "0x"});'
    )
    no_wallet = run(page, "delete window.ethereum; return await w.connect();")

    assert rejected == {"error": "user_rejected", "message": "The request was cancelled in your wallet."}
    assert refused == {
        "error": "server",
        "message": "The sign-in message is not a valid Sign-In with Ethereum message.",
    }
    assert no_wallet["error"] == "no_wallet" and "No Ethereum wallet" in no_wallet["message"]
    assert json.dumps(wallet.calls).count("personal_sign") == 1
