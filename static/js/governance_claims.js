// "Claim" and "Claim refund" on a member's own profile: the platform relays the escrow call (gasless).
import { explain, postJSON } from "./wallet.js";

const panel = document.getElementById("owed");
const status = document.getElementById("claim-status");

panel.addEventListener("click", async (event) => {
  const button = event.target.closest("button");
  if (!button) return;
  const refund = Boolean(button.dataset.refund);
  const body = refund
    ? { escrow_challenge_id: button.dataset.refund, funder: panel.dataset.account }
    : { escrow_challenge_id: button.dataset.claim, account: panel.dataset.account };
  button.disabled = true;
  try {
    await postJSON(refund ? panel.dataset.refundsUrl : panel.dataset.claimsUrl, body);
    status.textContent = "Sent by the platform: the payment shows here once the chain has synced.";
  } catch (error) {
    button.disabled = false;
    status.textContent = explain(error);
  }
});
