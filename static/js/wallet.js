// Clueboard's wallet helpers: EIP-1193 (window.ethereum) calls with clear errors, and the site's JSON
// calls with CSRF. An ES module served as is by Django's static files; no build step.
//
// API (every function is async unless marked sync; each throws WalletError on failure):
//   hasWallet()                           sync: true when a wallet injected window.ethereum
//   connect()                             asks for accounts (eth_requestAccounts); the first address
//   accounts()                            the already-authorised accounts (eth_accounts), maybe []
//   chainId()                             the wallet's current chain id, as a number
//   chainConfig()                         {chainId, chainIdHex, rpcUrl} the site's chain, from a
//                                         [data-chain-id] element on the page or GET /accounts/wallet/chain/
//   ensureChain(config?)                  switches the wallet to the site's chain (wallet_switchEthereumChain),
//                                         adding it first when the wallet does not know it (error 4902)
//   personalSign(address, text)           EIP-191 signature of a UTF-8 text (personal_sign)
//   signTypedDataV4(address, typedData)   EIP-712 signature (eth_signTypedData_v4); typedData an object
//   sendTransaction(tx)                   eth_sendTransaction {from, to, data, value?, gas?}: the tx hash
//   waitForReceipt(hash, {intervalMs, timeoutMs})
//                                         polls eth_getTransactionReceipt; the receipt, or WalletError
//                                         "reverted" (status 0x0) / "timeout"
//   postJSON(url, body)                   POST with the CSRF token; the parsed answer, or WalletError
//                                         "server" carrying the server's fixed message and `status`
//   csrfToken()                           sync: the page's CSRF token (cookie or form field)
//   explain(error)                        sync: the sentence to show for any error thrown above
//
// WalletError.code is one of: no_wallet, user_rejected, unauthorized, unsupported, chain_unknown,
// disconnected, rpc, reverted, timeout, server.

export const ERROR_MESSAGES = {
  no_wallet: "No Ethereum wallet was found in this browser: install one (for example MetaMask) and reload.",
  user_rejected: "The request was cancelled in your wallet.",
  unauthorized: "Your wallet has not authorised this site: connect it first.",
  unsupported: "Your wallet does not support this request.",
  chain_unknown: "Your wallet does not know this site's chain.",
  disconnected: "Your wallet is not connected to a network.",
  rpc: "Your wallet could not complete the request.",
  reverted: "The transaction was mined but reverted.",
  timeout: "The transaction was not mined in time; it may still be pending.",
  server: "The server refused the request.",
};

// EIP-1193 and EIP-1474 error codes that mean something to the user.
const PROVIDER_CODES = { 4001: "user_rejected", 4100: "unauthorized", 4200: "unsupported", 4900: "disconnected", 4901: "disconnected", 4902: "chain_unknown" };

export class WalletError extends Error {
  constructor(code, message, { cause, status } = {}) {
    super(message || ERROR_MESSAGES[code] || ERROR_MESSAGES.rpc);
    this.name = "WalletError";
    this.code = code;
    this.cause = cause;
    this.status = status;
  }
}

export function hasWallet() {
  return typeof window !== "undefined" && Boolean(window.ethereum && window.ethereum.request);
}

function providerOrThrow() {
  if (!hasWallet()) throw new WalletError("no_wallet");
  return window.ethereum;
}

// One wallet request; provider errors become WalletError with the code's fixed message.
export async function request(method, params = []) {
  const provider = providerOrThrow();
  try {
    return await provider.request({ method, params });
  } catch (error) {
    const code = PROVIDER_CODES[error && error.code] || "rpc";
    throw new WalletError(code, undefined, { cause: error });
  }
}

export async function connect() {
  const accounts = await request("eth_requestAccounts");
  if (!accounts || accounts.length === 0) throw new WalletError("unauthorized");
  return accounts[0];
}

export async function accounts() {
  return (await request("eth_accounts")) || [];
}

export async function chainId() {
  return Number.parseInt(await request("eth_chainId"), 16);
}

export async function chainConfig() {
  const element = document.querySelector("[data-chain-id]");
  if (element) {
    const id = Number(element.dataset.chainId);
    return { chainId: id, chainIdHex: "0x" + id.toString(16), rpcUrl: element.dataset.rpcUrl || "" };
  }
  const response = await fetch("/accounts/wallet/chain/", { headers: { Accept: "application/json" } });
  if (!response.ok) throw new WalletError("server", undefined, { status: response.status });
  return response.json();
}

export async function ensureChain(config) {
  const target = config || (await chainConfig());
  const hex = "0x" + Number(target.chainId).toString(16);
  if ((await chainId()) === Number(target.chainId)) return;
  try {
    await request("wallet_switchEthereumChain", [{ chainId: hex }]);
  } catch (error) {
    if (error.code !== "chain_unknown" && !(error.cause && error.cause.code === 4902)) throw error;
    await request("wallet_addEthereumChain", [
      {
        chainId: hex,
        chainName: target.chainName || `Clueboard chain ${target.chainId}`,
        rpcUrls: [target.rpcUrl],
        nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      },
    ]);
  }
}

function utf8Hex(text) {
  return "0x" + Array.from(new TextEncoder().encode(text), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export async function personalSign(address, text) {
  // Hex-encoded UTF-8, the form every wallet accepts; the wallet shows it decoded.
  return request("personal_sign", [utf8Hex(text), address]);
}

export async function signTypedDataV4(address, typedData) {
  return request("eth_signTypedData_v4", [address, JSON.stringify(typedData)]);
}

export async function sendTransaction(tx) {
  return request("eth_sendTransaction", [tx]);
}

export async function waitForReceipt(hash, { intervalMs = 1000, timeoutMs = 120000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const receipt = await request("eth_getTransactionReceipt", [hash]);
    if (receipt) {
      if (receipt.status === "0x0") throw new WalletError("reverted");
      return receipt;
    }
    if (Date.now() >= deadline) throw new WalletError("timeout");
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function csrfToken() {
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
  if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

export async function postJSON(url, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
  });
  let answer = {};
  try {
    answer = await response.json();
  } catch (error) {
    answer = {};
  }
  if (!response.ok) {
    // The server's `detail` comes from its fixed set of messages; anything else gets ours.
    throw new WalletError("server", typeof answer.detail === "string" ? answer.detail : undefined, {
      status: response.status,
    });
  }
  return answer;
}

export function explain(error) {
  if (error instanceof WalletError) return error.message;
  return ERROR_MESSAGES.rpc;
}
