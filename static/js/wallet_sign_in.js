// "Sign in with your wallet" (log-in page) and "Link a wallet" (account settings): a button with
// data-wallet-action="sign-in" or "link" inside a [data-wallet-panel], whose [data-wallet-error] shows
// what went wrong. The server writes the EIP-4361 message; the wallet only signs it.
import { connect, explain, personalSign, postJSON } from "./wallet.js";

const ENDPOINTS = { "sign-in": "/accounts/wallet/sign-in/", link: "/accounts/wallet/link/" };

async function signAndSend(action, panel) {
  const address = await connect();
  const { message } = await postJSON("/accounts/wallet/nonce/", { address, purpose: action });
  const signature = await personalSign(address, message);
  const answer = await postJSON(ENDPOINTS[action], { message, signature, next: panel.dataset.next || "" });
  window.location.assign(answer.redirect || "/");
}

function showError(panel, text) {
  const box = panel.querySelector("[data-wallet-error]");
  if (!box) return;
  box.textContent = text;
  box.hidden = !text;
}

for (const button of document.querySelectorAll("[data-wallet-action]")) {
  const panel = button.closest("[data-wallet-panel]") || document.body;
  button.addEventListener("click", async () => {
    button.disabled = true;
    showError(panel, "");
    try {
      await signAndSend(button.dataset.walletAction, panel);
    } catch (error) {
      showError(panel, explain(error));
      button.disabled = false;
    }
  });
}
