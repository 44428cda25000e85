// The prize draft page: submit the reviewed proposal from the member's wallet (the server builds the
// governor.propose transaction) or ask the platform's proposer to submit it.
import { connect, ensureChain, explain, postJSON, sendTransaction, waitForReceipt } from "./wallet.js";

const panel = document.querySelector("[data-draft-panel]");

async function fromWallet() {
  const address = await connect();
  await ensureChain();
  const call = await postJSON(panel.dataset.callUrl, { proposer: address });
  const hash = await sendTransaction({ from: address, to: call.to, data: call.data, value: call.value });
  await waitForReceipt(hash);
  return "Proposed from your wallet; it shows in the proposals list once the platform has read it.";
}

async function byPlatform() {
  await postJSON(panel.dataset.submitUrl, {});
  return "The platform's proposer submits it; it shows in the proposals list once mined and read.";
}

if (panel) {
  const message = panel.querySelector("[data-draft-message]");
  for (const button of panel.querySelectorAll("[data-draft-action]")) {
    button.addEventListener("click", async () => {
      for (const other of panel.querySelectorAll("[data-draft-action]")) other.disabled = true;
      try {
        message.textContent = button.dataset.draftAction === "wallet" ? await fromWallet() : await byPlatform();
      } catch (error) {
        message.textContent = explain(error);
        for (const other of panel.querySelectorAll("[data-draft-action]")) other.disabled = false;
      }
      message.hidden = false;
    });
  }
}
