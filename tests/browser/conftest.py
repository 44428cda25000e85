"""The browser rig: Playwright driving Debian's chromium against a live server, with a wallet on anvil.

`wallet` is an EIP-1193 provider injected as `window.ethereum` into every page; its `request()` goes to
Python (`expose_function`), which answers the account and chain questions itself and forwards signing
and transactions to anvil's unlocked development accounts. `wallet.use(address)` picks the account.

Without chromium (or Playwright) these tests are skipped, except under CI (CI=true), where that fails:
`.ci/run` installs chromium with apt-get. Screenshots go to var/screenshots/ (git-ignored).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings

from governance.chain.anvil import AnvilProcess, dev_accounts
from governance.chain.client import ChainClient

CHROMIUM = Path(os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
# Methods the wallet (not the node) answers: accounts, permissions and chain switching.
_WALLET_METHODS = {
    "eth_requestAccounts",
    "eth_accounts",
    "eth_chainId",
    "wallet_switchEthereumChain",
    "wallet_addEthereumChain",
}
# Methods whose first or second parameter names the signing account: the wallet signs only with its own.
_SIGNER_PARAM = {"personal_sign": 1, "eth_signTypedData_v4": 0}
_PROVIDER_SCRIPT = """
window.ethereum = {
  isClueboardTestWallet: true,
  async request({ method, params }) {
    const answer = JSON.parse(await window.__clueboardWallet(method, JSON.stringify(params || [])));
    if (answer.error) {
      const error = new Error(answer.error.message);
      error.code = answer.error.code;
      throw error;
    }
    return answer.result;
  },
  on() {},
  removeListener() {},
};
"""


def _missing(reason: str) -> None:
    """Skip where a developer has no browser; fail in CI, which must run these tests."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests must run in CI: {reason}")
    pytest.skip(reason)


@dataclass
class InjectedWallet:
    """The Python side of `window.ethereum`: one selected anvil account, and a log of every call.

    `chain_id` is the chain the wallet says it is on, and `known_chains` those it can switch to without
    adding them first (like MetaMask: switching to an unknown chain fails with 4902). Everything it
    forwards goes to anvil, whatever `chain_id` says.
    """

    rpc_url: str
    chain_id: int
    known_chains: set[int] = field(default_factory=set)
    account: str = ""
    reject_next: bool = False  # the next signing request is refused as a user would (EIP-1193 4001)
    calls: list[str] = field(default_factory=list)

    def use(self, address: str) -> None:
        self.account = address

    def handle(self, method: str, params_json: str) -> str:
        params = json.loads(params_json)
        self.calls.append(method)
        try:
            return json.dumps({"result": self._answer(method, params)})
        except WalletRequestError as error:
            return json.dumps({"error": {"code": error.code, "message": str(error)}})

    def _answer(self, method: str, params: list[Any]) -> Any:
        if method in _WALLET_METHODS:
            return self._wallet_answer(method, params)
        if method in _SIGNER_PARAM or method == "eth_sendTransaction":
            self._check_signer(method, params)
        answer = requests.post(
            self.rpc_url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params}, timeout=30
        ).json()
        if "error" in answer:
            raise WalletRequestError(answer["error"].get("code", -32603), answer["error"].get("message", ""))
        return answer["result"]

    def _wallet_answer(self, method: str, params: list[Any]) -> Any:
        if method in ("eth_requestAccounts", "eth_accounts"):
            return [self.account.lower()] if self.account else []
        if method == "eth_chainId":
            return hex(self.chain_id)
        target = int(params[0]["chainId"], 16)
        if method == "wallet_addEthereumChain":
            self.known_chains.add(target)
        elif target not in self.known_chains | {self.chain_id}:
            raise WalletRequestError(4902, f"Unrecognized chain ID {params[0]['chainId']}")
        self.chain_id = target
        return None

    def _check_signer(self, method: str, params: list[Any]) -> None:
        if self.reject_next:
            self.reject_next = False
            raise WalletRequestError(4001, "User rejected the request.")
        signer = params[0]["from"] if method == "eth_sendTransaction" else params[_SIGNER_PARAM[method]]
        if signer.lower() != self.account.lower():
            raise WalletRequestError(4100, "The requested account has not been authorized by the user.")


class WalletRequestError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@pytest.fixture(scope="session")
def browser_chain() -> Iterator[ChainClient]:
    """One anvil for the browser tests, on a free port."""
    with AnvilProcess(accounts=10) as client:
        yield client


@pytest.fixture(scope="session")
def dev_addresses() -> list[str]:
    return [account.address for account in dev_accounts(10)]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, through Playwright."""
    if not CHROMIUM.is_file():
        _missing(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (requirements-dev.txt)")
    # Playwright's sync API keeps an event loop in this thread; Django would then refuse ORM calls
    # from the test body as "async". The test body is synchronous, so allow them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def site(live_server: Any, transactional_db: None, browser_chain: ChainClient, settings: Any) -> str:
    """The live server's address; its pages name the browser tests' anvil as the chain."""
    settings.CHAIN_RPC_URL = browser_chain.w3.provider.endpoint_uri  # type: ignore[attr-defined]
    return str(live_server.url)


@pytest.fixture
def wallet(browser_chain: ChainClient, dev_addresses: list[str]) -> InjectedWallet:
    """The injected wallet, on anvil's second development account unless a test picks another."""
    rpc_url = browser_chain.w3.provider.endpoint_uri  # type: ignore[attr-defined]
    return InjectedWallet(rpc_url=rpc_url, chain_id=browser_chain.w3.eth.chain_id, account=dev_addresses[1])


@pytest.fixture
def page(browser: Any, wallet: InjectedWallet, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context (no cookies) with the wallet injected; console errors fail the test."""
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    context.expose_function("__clueboardWallet", wallet.handle)
    context.add_init_script(_PROVIDER_SCRIPT)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def screenshot(page: Any, request: pytest.FixtureRequest) -> Any:
    """screenshot("step") saves var/screenshots/<test>-<n>-<step>.png, full page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    taken: list[Path] = []

    def take(step: str) -> Path:
        path = SCREENSHOTS / f"{request.node.name}-{len(taken) + 1:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        taken.append(path)
        return path

    return take
