// "Fund this challenge" on a challenge page: approve the escrow, then fund(id, amount), both sent from the
// wallet with calldata the server built; then the funders and total update once the indexer has synced.
import { connect, ensureChain, explain, sendTransaction, waitForReceipt } from "./wallet.js";

const form = document.getElementById("fund-form");
const status = document.getElementById("fund-status");
const POLL_MS = 2000;
const POLL_TRIES = 90;

function say(text) {
  status.textContent = text;
}

async function getJSON(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(typeof answer.detail === "string" ? answer.detail : "The server refused.");
  return answer;
}

function show(funding) {
  const total = document.getElementById("escrow-total");
  total.textContent = funding.total_tokens;
  // The text after the total reads " tokens by N funders." (server-rendered): keep it in step.
  const count = funding.funders.length;
  if (total.nextSibling) total.nextSibling.textContent = ` tokens by ${count} funder${count === 1 ? "" : "s"}.`;
  const list = document.getElementById("escrow-funders");
  list.replaceChildren(
    ...funding.funders.map((funder) => {
      const item = document.createElement("li");
      const code = document.createElement("code");
      code.className = "hash";
      code.textContent = funder.address;
      item.append(code, ` ${funder.tokens} tokens`);
      return item;
    }),
  );
}

async function waitForSync(before) {
  for (let i = 0; i < POLL_TRIES; i += 1) {
    const funding = await getJSON(form.dataset.fundingUrl);
    if (funding.synced && funding.total !== before) {
      show(funding);
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return false;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    const amount = document.getElementById("fund-amount").value.trim();
    const query = new URLSearchParams({ amount });
    const { calls } = await getJSON(`${form.dataset.fundCallsUrl}?${query}`);
    const before = (await getJSON(form.dataset.fundingUrl)).total;
    const account = await connect();
    await ensureChain();
    say("Step 1 of 2: let the escrow take the tokens (confirm in your wallet).");
    await waitForReceipt(await sendTransaction({ from: account, ...calls[0] }));
    say("Step 2 of 2: fund the pool (confirm in your wallet).");
    await waitForReceipt(await sendTransaction({ from: account, ...calls[1] }));
    say("Funded. The list updates once the platform has synced the chain…");
    say((await waitForSync(before)) ? "Funded: thank you." : "Funded: reload the page in a minute to see it.");
  } catch (error) {
    say(error instanceof Error && !("code" in error) ? error.message : explain(error));
  } finally {
    button.disabled = false;
  }
});
