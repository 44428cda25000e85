// The proposal page: the countdown, the vote box (gasless ballot or a direct wallet transaction) and the
// Queue/Execute button. The server builds every document the wallet signs or sends, and every message
// shown comes from the server's fixed set or from wallet.js's.
import { connect, ensureChain, explain, postJSON, sendTransaction, signTypedDataV4, waitForReceipt } from "./wallet.js";

function show(box, text) {
  if (!box) return;
  box.textContent = text;
  box.hidden = !text;
}

function countdown() {
  const node = document.getElementById("countdown");
  if (!node || !node.dataset.timeLeft) return;
  const end = Date.now() + Number(node.dataset.timeLeft) * 1000;
  const label = node.dataset.state === "pending" ? "opens in" : "left to vote";
  const tick = () => {
    let left = Math.max(0, Math.round((end - Date.now()) / 1000));
    const d = Math.floor(left / 86400), h = Math.floor((left % 86400) / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    const text = d ? `${d} d ${h} h` : h ? `${h} h ${m} min` : m ? `${m} min ${s} s` : `${s} s`;
    node.firstChild.textContent = node.dataset.state === "pending" ? `${label} ${text}` : `${text} ${label}`;
    if (left === 0) clearInterval(timer);
  };
  const timer = setInterval(tick, 1000);
}

function choice(form) {
  return {
    support: Number(form.querySelector("input[name=support]:checked").value),
    reason: form.querySelector("textarea[name=reason]").value.trim(),
  };
}

async function voteGasless(form) {
  const { support, reason } = choice(form);
  const address = await connect();
  await ensureChain();
  const params = new URLSearchParams({ voter: address, support: String(support) });
  if (reason) params.set("reason", reason);
  const response = await fetch(`${form.dataset.typedDataUrl}?${params}`, { headers: { Accept: "application/json" } });
  // The server sends the uint256 id and nonce as decimal strings: passed on as they are, digit for digit.
  const typed = await response.json();
  if (!response.ok) throw Object.assign(new Error(typed.detail || ""), { serverDetail: typed.detail });
  const signature = await signTypedDataV4(address, typed);
  const body = { voter: address, support, nonce: typed.message.nonce, signature };
  if (reason) body.reason = reason;
  await postJSON(form.dataset.ballotsUrl, body);
  return "Your vote is recorded; waiting for the chain.";
}

async function voteFromWallet(form) {
  const address = await connect();
  await ensureChain();
  const call = await postJSON(form.dataset.callUrl, choice(form));
  const hash = await sendTransaction({ from: address, to: call.to, data: call.data, value: call.value });
  await waitForReceipt(hash);
  return "Your vote is mined; the tally updates once the platform has read it.";
}

function wireVoteBox() {
  const form = document.querySelector("[data-vote-form]");
  if (!form) return;
  const message = form.querySelector("[data-vote-message]");
  for (const button of form.querySelectorAll("[data-vote]")) {
    button.addEventListener("click", async () => {
      for (const other of form.querySelectorAll("[data-vote]")) other.disabled = true;
      show(message, "Waiting for your wallet…");
      try {
        const done = button.dataset.vote === "gasless" ? await voteGasless(form) : await voteFromWallet(form);
        show(message, done);
      } catch (error) {
        show(message, error.serverDetail || explain(error));
        for (const other of form.querySelectorAll("[data-vote]")) other.disabled = false;
      }
    });
  }
}

// The advance button lives in the live block that htmx replaces: listen on the document.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-advance]");
  if (!button) return;
  const panel = button.closest("[data-advance-panel]");
  button.disabled = true;
  try {
    await postJSON(panel.dataset.url, {});
    show(panel.querySelector("[data-advance-message]"), "Sent; the state changes once the transaction is mined.");
  } catch (error) {
    show(panel.querySelector("[data-advance-message]"), explain(error));
    button.disabled = false;
  }
});

countdown();
wireVoteBox();
