"""The whole loop in a real browser, on a fresh database and a fresh anvil with the platform's contract set.

An organizer creates a challenge in the admin and uploads its hidden set; a contributor signs up, confirms
the email, links a wallet and submits a model trained by the starter script with its code; the real
evaluation worker scores it and the challenge page shows it; the challenge closes and its results are
attested on chain; the prize proposal is drafted and submitted, two members vote, it is queued and
executed once the chain's clock has moved; the contributor claims the prize and the page, the chain and
`verify_submission` agree.

The chain's background work (outbox sends, the indexer, the trust chain's beat) is run by the test where
the Celery chain worker and beat would run it, with the same services. With README_SCREENSHOTS set to a
folder, the README's three pictures are also written there (`make screenshots`).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from django.conf import LazySettings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from sklearn.datasets import load_digits

from bounties.models import Challenge, Submission, SubmissionStatus
from bounties.templatetags.clueboard import tokens
from governance.chain.anvil import AnvilProcess, DevChain, dev_accounts
from governance.chain.client import ChainClient
from governance.chain.deploy import TOKEN_UNIT
from governance.chain.escrow import PrizeEscrow
from governance.chain.governor import Governor
from governance.chain.token import Erc20
from governance.indexer.sync import chain_sync
from governance.models import (
    ChainDeployment,
    ChallengeOnChain,
    ChallengeResults,
    OutgoingTransaction,
    PrizeProposalDraft,
)
from governance.services.outbox_sender import outgoing_transaction_send
from governance.services.commitments import commitment_batches_create
from governance.services.deployment import DEMO_MEMBER_STAKE, chain_deployment_ensure, demo_member_accounts
from governance.services.trust import trust_chain_advance
from starter import digits_starter
from tests.admin_pages import organizer_user
from tests.browser.conftest import InjectedWallet
from tests.browser.test_governance_vote import sign_in_with_wallet
from tests.browser.test_wallet_sign_in import PASSWORD
from tests.governance.pages_support import linked_user
from tests.integration.conftest import WorkerFleet, wait_until, worker_fleet

__all__ = ["worker_fleet"]  # a fixture used by name

CONTRIBUTOR_ACCOUNT = 15  # an anvil development account no platform role or demo member uses
POOL = 1_000 * TOKEN_UNIT
TRAINING_ROWS = 1_200  # scikit-learn's digits: the first rows train the model, the rest are the hidden set
README_SHOTS = os.environ.get("README_SCREENSHOTS", "")


@pytest.fixture(scope="module")
def fresh_anvil() -> Any:
    """A chain of its own for the module: nothing deployed until the platform deploys its set."""
    node = AnvilProcess(accounts=20)
    node.start()
    yield node
    node.stop()


@pytest.fixture
def client(fresh_anvil: AnvilProcess) -> ChainClient:
    return ChainClient.connect(fresh_anvil.rpc_url)


@pytest.fixture
def deployment(
    live_server: Any, transactional_db: None, fresh_anvil: AnvilProcess, settings: LazySettings
) -> ChainDeployment:
    """The platform on the fresh anvil, its contract set deployed as `deploy_contracts` does locally:
    the development keys, and demo members holding and self-delegating their stakes."""
    settings.CHAIN_RPC_URL = fresh_anvil.rpc_url
    settings.CHAIN_ID = 31337
    return chain_deployment_ensure(demo_members=True).deployment


@pytest.fixture
def site(live_server: Any, deployment: ChainDeployment) -> str:
    return str(live_server.url)


@pytest.fixture
def wallet(fresh_anvil: AnvilProcess) -> InjectedWallet:
    """The injected wallet, on the contributor's account until a member signs in with another."""
    return InjectedWallet(
        rpc_url=fresh_anvil.rpc_url, chain_id=31337, account=dev_accounts(20)[CONTRIBUTOR_ACCOUNT].address
    )


def send_outbox() -> int:
    """Send every queued outbox row, oldest first, as the chain worker's sender task would; each must be
    mined. Returns how many were sent."""
    queued = OutgoingTransaction.objects.filter(status=OutgoingTransaction.Status.QUEUED).order_by("id")
    ids = list(queued.values_list("pk", flat=True))
    for pk in ids:
        status = outgoing_transaction_send(transaction_id=pk)
        row = OutgoingTransaction.objects.get(pk=pk)
        assert status == OutgoingTransaction.Status.MINED, (row.function, status, row.last_error)
    return len(ids)


def readme_screenshot(page: Any, name: str) -> None:
    """The README's picture `name`.png, of the viewport (1100 wide), when README_SCREENSHOTS names a folder."""
    if not README_SHOTS:
        return
    folder = Path(README_SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def starter_model(folder: Path) -> Path:
    """The starter script's model, trained on the first rows of scikit-learn's digits and exported as ONNX."""
    torch.set_num_threads(1)
    digits = load_digits()
    inputs, labels = digits.data.astype(np.float32), digits.target.astype(np.int64)
    model = digits_starter.train(inputs[:TRAINING_ROWS], labels[:TRAINING_ROWS], epochs=10)
    _weights, graph = digits_starter.export(model, folder)
    return graph


def hidden_set() -> bytes:
    digits = load_digits()
    buffer = io.BytesIO()
    np.savez(
        buffer,
        inputs=digits.data[TRAINING_ROWS:].astype(np.float32),
        labels=digits.target[TRAINING_ROWS:].astype(np.int64),
    )
    return buffer.getvalue()


def code_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(Path(digits_starter.__file__), "digits_starter.py")
        archive.writestr("README.md", "Trained with `python digits_starter.py digits-train.npz`.\n")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> dict[str, Any]:
    return {"name": name, "mimeType": "application/octet-stream", "buffer": content}


def organizer_logs_in(page: Any, site: str) -> None:
    page.context.clear_cookies()
    page.goto(site + "/admin/login/")
    page.fill("#id_username", "olga")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(site + "/admin/")


def admin_action(page: Any, site: str, challenge: Challenge, action: str, done: str) -> None:
    """Tick the challenge in the admin's changelist and run one of its actions."""
    page.goto(site + "/admin/bounties/challenge/")
    page.check(f"input[name=_selected_action][value='{challenge.pk}']")
    page.select_option("select[name=action]", action)
    page.locator("button[name=index]").click()
    page.get_by_text(done).wait_for()


def organizer_creates_and_publishes(page: Any, site: str, screenshot: Any) -> Challenge:
    """The admin's add form, filled in as an organizer would, then the changelist's Publish action."""
    organizer_user("olga")
    organizer_logs_in(page, site)
    page.goto(site + "/admin/bounties/challenge/add/")
    ends = timezone.now() + timedelta(days=2)
    page.fill("#id_title", "Handwritten digits")
    page.locator("#id_title").press("Tab")
    assert page.input_value("#id_slug") == "handwritten-digits"  # the admin's prepopulated slug
    page.fill("#id_summary", "Classify 8x8 handwritten digits.")
    page.fill("#id_description", "Ten classes, 64 pixel intensities from 0 to 16.")
    page.fill("#id_starts_at_0", timezone.now().strftime("%Y-%m-%d"))
    page.fill("#id_starts_at_1", "00:00:00")
    page.fill("#id_ends_at_0", ends.strftime("%Y-%m-%d"))
    page.fill("#id_ends_at_1", "00:00:00")
    page.fill("#id_input_shape", "64")
    page.fill("#id_output_shape", "10")
    page.select_option("#id_input_dtype", "float32")
    page.select_option("#id_metric", "accuracy")
    for accepted in ("onnx", "safetensors"):
        page.check(f"input[name=accepted_formats][value={accepted}]")
    page.check("input[name=architectures-mlp-accept]")
    for key, value in digits_starter.MLP_CONFIG.items():
        field = page.locator(f"#id_architectures-mlp-{key}")
        if key == "activation":
            field.select_option(str(value))
        else:
            field.fill(str(value))
    page.set_input_files("#id_hidden_dataset_file", upload("digits-hidden.npz", hidden_set()))
    page.fill("#id_public_fraction", "0.3")
    page.uncheck("#id_use_ladder")
    page.fill("#id_prize_pool", str(POOL))
    screenshot("admin-add-challenge")
    page.locator("input[name=_save]").click()
    page.wait_for_load_state()
    errors = page.locator(".errorlist").evaluate_all("(lists) => lists.map((l) => l.closest('.form-row')?.className)")
    assert not errors, errors
    page.wait_for_url(site + "/admin/bounties/challenge/")
    challenge = Challenge.objects.get(slug="handwritten-digits")
    assert challenge.status == "draft" and challenge.hidden_dataset.n_rows == 1797 - TRAINING_ROWS

    admin_action(page, site, challenge, "publish", "handwritten-digits: published.")
    screenshot("admin-published")
    challenge.refresh_from_db()
    assert challenge.status == "open"
    return challenge


def contributor_signs_up_and_links_a_wallet(page: Any, site: str, wallet: InjectedWallet, screenshot: Any) -> None:
    page.context.clear_cookies()
    page.goto(site + reverse("account_signup"))
    page.fill("input[name=username]", "ada")
    page.fill("input[name=email]", "ada@example.org")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    screenshot("sign-up")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/confirm-email/$"))
    (message,) = [m for m in mail.outbox if "ada@example.org" in m.to]
    link = re.search(r"https?://\S+/confirm-email/\S+/", message.body)
    assert link is not None, message.body
    page.goto(link.group(0))
    screenshot("confirm-email")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(site + reverse("bounties:challenge-list"))

    page.goto(site + reverse("account-settings"))
    page.get_by_role("button", name="Link a wallet").click()
    linked = page.locator("[data-linked-address]")
    linked.wait_for()
    assert linked.inner_text() == wallet.account
    screenshot("wallet-linked")


def contributor_submits(page: Any, site: str, challenge: Challenge, model: Path, screenshot: Any) -> Submission:
    page.goto(site + reverse("bounties:challenge-detail", args=[challenge.slug]))
    page.get_by_role("link", name="Submit a model").first.click()
    page.wait_for_url(site + reverse("bounties:submission-create", args=[challenge.slug]))
    page.set_input_files("#id_model_file", upload(model.name, model.read_bytes()))
    page.set_input_files("#id_source_archive", upload("digits-code.zip", code_zip()))
    page.select_option("#id_source_license", "MIT")
    page.fill("#id_title", "Starter MLP")
    page.fill("#id_writeup", "The starter script's MLP, ten epochs on the first 1,200 digits.")
    screenshot("submission-form")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/submissions/\d+/$"))
    return Submission.objects.get(challenge=challenge)


def test_the_whole_loop(
    site: str,
    deployment: ChainDeployment,
    client: ChainClient,
    fresh_anvil: AnvilProcess,
    page: Any,
    wallet: InjectedWallet,
    worker_fleet: WorkerFleet,
    screenshot: Any,
    settings: LazySettings,
    tmp_path: Path,
) -> None:
    chain = DevChain(client)
    members = demo_member_accounts()
    contributor_address = wallet.account

    # 1. The organizer creates the challenge and its hidden set in the admin, and publishes it; the
    # trust chain creates it in the escrow, and a sponsor funds its pool there.
    challenge = organizer_creates_and_publishes(page, site, screenshot)
    trust_chain_advance()
    assert send_outbox() == 1  # the escrow's createChallenge
    trust_chain_advance()
    escrow_id = ChallengeOnChain.objects.get(challenge=challenge).escrow_challenge_id
    assert escrow_id is not None
    sponsor = members[9]
    Erc20(client, deployment.prize_token).approve(sender=sponsor, spender=deployment.escrow, amount=POOL)
    PrizeEscrow(client, deployment.escrow).fund(sender=sponsor, challenge_id=escrow_id, amount=POOL)

    # 2. A contributor signs up, confirms the address, links a wallet and submits model and code.
    contributor_signs_up_and_links_a_wallet(page, site, wallet, screenshot)
    submission = contributor_submits(page, site, challenge, starter_model(tmp_path / "models"), screenshot)

    # 3. The real worker scores it; the submission, the leaderboard and the chart show it.
    worker_fleet.start("e2e-worker")
    wait_until(
        lambda: Submission.objects.get(pk=submission.pk).status == SubmissionStatus.SCORED,
        timeout=240,
        fleet=worker_fleet,
        what="the submission scored",
    )
    submission.refresh_from_db()
    assert submission.private_score is not None and submission.private_score > 0.8
    page.reload()
    screenshot("submission-scored")
    readme_screenshot(page, "submission")
    page.goto(site + reverse("bounties:challenge-detail", args=[challenge.slug]))
    assert "ada" in page.locator("table.leaderboard").inner_text()
    assert page.locator("#score-chart").count() == 1
    screenshot("challenge-leaderboard")
    readme_screenshot(page, "challenge")

    # 4. The submission is committed on chain; the organizer closes the challenge in the admin; once the
    # chain's clock is past the submission deadline the evaluators' attestation is relayed.
    assert len(commitment_batches_create()) == 1
    assert send_outbox() == 1
    organizer_logs_in(page, site)
    admin_action(page, site, challenge, "close_now", "handwritten-digits: closed.")
    screenshot("admin-closed")
    chain.advance(3 * 86_400)
    trust_chain_advance()
    assert send_outbox() == 1
    assert ChallengeResults.objects.get(challenge=challenge).attest_transaction is not None

    # 5. The organizer drafts the prize proposal from the challenge page and has the platform submit it.
    page.goto(site + reverse("bounties:challenge-detail", args=[challenge.slug]))
    page.get_by_role("link", name="Draft the prize proposal").click()
    page.get_by_role("button", name="Prepare the draft").click()
    page.wait_for_url(re.compile(r".*/governance/prize-drafts/\d+/$"))
    assert contributor_address in page.locator("table.recipients").inner_text()
    screenshot("prize-draft")
    page.get_by_role("button", name="Ask the platform's proposer to submit").click()
    page.locator("[data-draft-message]").wait_for()
    assert send_outbox() == 1  # the proposer's propose()
    chain_sync(deployment=deployment, client=client)
    draft = PrizeProposalDraft.objects.get(challenge=challenge)
    assert draft.proposal_id
    proposal_id = int(draft.proposal_id)
    proposal_url = site + reverse("governance:proposal-detail", args=[str(proposal_id)])

    # 6. Two members vote once the vote opens: one gasless (the platform relays the ballot), one from the
    # wallet; the indexer reads both.
    governor = Governor(client, deployment.governor)
    chain.advance_to(governor.proposal_snapshot(proposal_id) + 1)
    chain_sync(deployment=deployment, client=client)
    first, second = members[0], members[1]
    linked_user("grace", first.address)
    linked_user("alan", second.address)
    sign_in_with_wallet(page, site, wallet, first.address)
    page.goto(proposal_url)
    page.get_by_role("radio", name="For").check()
    page.fill("#vote-reason", "The leaderboard and the attestation agree")
    page.get_by_role("button", name="Vote (gasless)").click()
    page.wait_for_function("document.querySelector('[data-vote-message]').textContent.includes('recorded')")
    assert send_outbox() == 1  # the relayed ballot
    chain_sync(deployment=deployment, client=client)
    sign_in_with_wallet(page, site, wallet, second.address)
    page.goto(proposal_url)
    page.get_by_role("radio", name="For").check()
    page.fill("#vote-reason", "Pay the winner")
    page.get_by_role("button", name="Vote from my wallet").click()
    page.wait_for_function("document.querySelector('[data-vote-message]').textContent.includes('mined')")
    chain_sync(deployment=deployment, client=client)
    stake = tokens(2 * DEMO_MEMBER_STAKE)
    page.wait_for_function(f"document.querySelector('[data-tally=\"for\"]').textContent === '{stake}'")
    screenshot("proposal-voted")
    readme_screenshot(page, "proposal")

    # 7. The vote ends on the chain's clock; the proposal is queued, the timelock's delay passes, and it
    # is executed, both from the page's button (the platform relays the calls).
    chain.advance_to(governor.proposal_deadline(proposal_id) + 1)
    chain_sync(deployment=deployment, client=client)
    page.reload()
    page.get_by_role("button", name="Queue").click()
    page.locator("[data-advance-message]").wait_for()
    assert send_outbox() == 1
    chain.advance(settings.GOVERNANCE_TIMELOCK_DELAY + 1)
    chain_sync(deployment=deployment, client=client)
    page.reload()
    page.get_by_role("button", name="Execute").click()
    page.locator("[data-advance-message]").wait_for()
    assert send_outbox() == 1
    chain_sync(deployment=deployment, client=client)
    page.reload()
    screenshot("proposal-executed")

    # 8. The contributor claims the prize from the profile; the profile and the chain agree on the amount.
    sign_in_with_wallet(page, site, wallet, contributor_address)
    page.goto(site + reverse("bounties:contributor-profile", args=["ada"]))
    page.locator("#governance-profile").click()
    page.get_by_role("button", name="Claim").click()
    page.locator("#claim-status").get_by_text("Sent by the platform").wait_for()
    assert send_outbox() == 1
    chain_sync(deployment=deployment, client=client)
    page.reload()
    received = Erc20(client, deployment.prize_token).balance_of(contributor_address)
    assert received == POOL * challenge.prize_split[0] // 100
    rewards = page.locator("#member-rewards").inner_text()
    assert rewards == f"{tokens(received)} awarded, {tokens(received)} claimed"
    screenshot("prize-claimed")

    # 9. Everything about the submission holds: its files, its commitment and its attested score.
    out = io.StringIO()
    call_command("verify_submission", str(submission.pk), stdout=out)  # raises CommandError unless all hold
    assert "Everything holds." in out.getvalue()
