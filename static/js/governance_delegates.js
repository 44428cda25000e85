// Delegation from /governance/delegates/: by signature (gasless; the platform relays delegateBySig) or,
// when the box is ticked, by a `delegate` transaction from the wallet (calldata from the server).
import { connect, ensureChain, explain, postJSON, sendTransaction, signTypedDataV4, waitForReceipt } from "./wallet.js";

const panel = document.getElementById("own-delegation");
const status = document.getElementById("delegate-status");

function say(text) {
  status.textContent = text;
}

async function getJSON(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(typeof answer.detail === "string" ? answer.detail : "The server refused.");
  return answer;
}

async function bySignature(wallet, delegatee) {
  const query = new URLSearchParams({ delegator: wallet, delegatee });
  const typed = await getJSON(`${panel.dataset.delegationTypedDataUrl}?${query}`);
  say("Sign the delegation in your wallet (no gas).");
  const signature = await signTypedDataV4(wallet, typed);
  const { nonce, expiry } = typed.message;
  await postJSON(panel.dataset.delegationsUrl, {
    delegator: wallet,
    delegatee,
    nonce: String(nonce),
    expiry: Number(expiry),
    signature,
  });
  say("Delegation sent by the platform: it shows here once the chain has synced (reload in a minute).");
}

async function directly(wallet, delegatee) {
  const query = new URLSearchParams({ delegatee });
  const { calls } = await getJSON(`${panel.dataset.delegateCallUrl}?${query}`);
  say("Confirm the transaction in your wallet.");
  const hash = await sendTransaction({ from: wallet, ...calls[0] });
  say("Waiting for the transaction to be mined…");
  await waitForReceipt(hash);
  say("Delegated: it shows here once the chain has synced (reload in a minute).");
}

async function delegate(delegatee) {
  const wallet = panel.dataset.wallet;
  try {
    const account = await connect();
    if (account.toLowerCase() !== wallet.toLowerCase()) {
      say(`Switch your wallet to the linked address ${wallet}.`);
      return;
    }
    await ensureChain();
    const direct = document.getElementById("delegate-direct").checked;
    await (direct ? directly(wallet, delegatee) : bySignature(wallet, delegatee));
  } catch (error) {
    say(error instanceof Error && !("code" in error) ? error.message : explain(error));
  }
}

panel.addEventListener("click", (event) => {
  const button = event.target.closest("button");
  if (!button) return;
  if (button.dataset.delegatee) {
    delegate(button.dataset.delegatee);
  } else if (button.dataset.delegateeInput) {
    const value = document.getElementById(button.dataset.delegateeInput).value.trim();
    if (!/^0x[0-9a-fA-F]{40}$/.test(value)) {
      say("Give a 0x address of 40 hex digits.");
      return;
    }
    delegate(value);
  }
});
