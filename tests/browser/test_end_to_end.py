"""The whole loop in a real browser, on a fresh database and a fresh anvil with the platform's contract set.

An organizer creates a challenge in the admin and uploads its hidden set; a contributor signs up, confirms
the email, links a wallet and submits models trained by the starter script, with their code; the real
evaluation worker process scores them while the page follows; the leaderboard and the chart show them;
the organizer closes the challenge and its results are attested on chain; the prize proposal is drafted
and submitted, two members vote, it is queued and executed once the chain's clock has moved; the
contributor claims the prize, and the page, the chain and `verify_submission` agree.

The chain's background work (outbox sends, the indexer, the trust chain's beat) is run by the test where the
Celery chain worker and beat would run it, through the same services. With README_SCREENSHOTS naming a
folder, the README's three pictures are written there too (`make screenshots`).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterator
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
from governance.models import ChainDeployment, ChallengeOnChain, ChallengeResults, PrizeProposalDraft
from governance.services.commitments import commitment_batches_create
from governance.services.deployment import DEMO_MEMBER_STAKE, chain_deployment_ensure, demo_member_accounts
from governance.services.trust import trust_chain_advance
from starter import digits_starter
from tests.admin_pages import organizer_user
from tests.browser.conftest import InjectedWallet
from tests.browser.test_governance_vote import sign_in_with_wallet
from tests.browser.test_wallet_sign_in import PASSWORD
from tests.governance.pages_support import linked_user
from tests.governance.trust_support import send_queued_rows
from tests.integration.conftest import WorkerFleet, wait_until, worker_fleet

__all__ = ["worker_fleet"]  # a fixture used by name

CONTRIBUTOR_ACCOUNT = 15  # an anvil development account that no platform role or demo member uses
POOL = 1_000 * TOKEN_UNIT
TRAINING_ROWS = 1_200  # scikit-learn's digits: the first rows train the models, the others are the hidden set
README_SCREENSHOTS = os.environ.get("README_SCREENSHOTS", "")


@pytest.fixture(scope="module")
def fresh_anvil() -> Iterator[AnvilProcess]:
    """A chain of the module's own: nothing on it until the platform deploys its contract set."""
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
    """The platform on the fresh anvil with its set deployed as `deploy_contracts` deploys it locally: the
    development keys, and demo members holding stakes delegated to themselves."""
    settings.CHAIN_RPC_URL = fresh_anvil.rpc_url
    settings.CHAIN_ID = 31337
    return chain_deployment_ensure(demo_members=True).deployment


@pytest.fixture
def site(live_server: Any, deployment: ChainDeployment) -> str:
    return str(live_server.url)


@pytest.fixture
def wallet(fresh_anvil: AnvilProcess) -> InjectedWallet:
    """The injected wallet, on the contributor's account until a member signs in with another."""
    address = dev_accounts(20)[CONTRIBUTOR_ACCOUNT].address
    return InjectedWallet(rpc_url=fresh_anvil.rpc_url, chain_id=31337, account=address)


def readme_screenshot(page: Any, name: str, height: int) -> None:
    """The README's picture `name`.png: the page's top `height` pixels, 1100 wide, when README_SCREENSHOTS
    names a folder."""
    if not README_SCREENSHOTS:
        return
    folder = Path(README_SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    clip = {"x": 0, "y": 0, "width": 1100, "height": height}
    page.screenshot(path=str(folder / f"{name}.png"), clip=clip, full_page=True)


def digits_split() -> tuple[np.ndarray, np.ndarray]:
    digits = load_digits()
    return digits.data.astype(np.float32), digits.target.astype(np.int64)


def starter_model(folder: Path, epochs: int) -> Path:
    """The starter script's network, trained on the first rows of the digits and exported as ONNX."""
    torch.set_num_threads(1)
    inputs, labels = digits_split()
    model = digits_starter.train(inputs[:TRAINING_ROWS], labels[:TRAINING_ROWS], epochs=epochs)
    _weights, graph = digits_starter.export(model, folder)
    return graph


def hidden_set() -> bytes:
    inputs, labels = digits_split()
    buffer = io.BytesIO()
    np.savez(buffer, inputs=inputs[TRAINING_ROWS:], labels=labels[TRAINING_ROWS:])
    return buffer.getvalue()


def code_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(Path(digits_starter.__file__), "digits_starter.py")
        archive.writestr("README.md", "python digits_starter.py digits-train.npz --out models/\n")
    return buffer.getvalue()


def file_payload(name: str, content: bytes) -> dict[str, Any]:
    return {"name": name, "mimeType": "application/octet-stream", "buffer": content}


def organizer_logs_in(page: Any, site: str) -> None:
    page.context.clear_cookies()
    page.goto(site + "/admin/login/")
    page.fill("#id_username", "olga")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(site + "/admin/")


def admin_action(page: Any, site: str, challenge: Challenge, action: str, done: str) -> None:
    """Tick the challenge in the admin's list and run one of its actions."""
    page.goto(site + "/admin/bounties/challenge/")
    page.check(f"input[name=_selected_action][value='{challenge.pk}']")
    page.select_option("select[name=action]", action)
    page.locator("button[name=index]").click()
    page.get_by_text(done).wait_for()


def organizer_creates_and_publishes(page: Any, site: str, screenshot: Any) -> Challenge:
    """The admin's add form filled in as an organizer would, then the list's Publish action."""
    organizer_user("olga")
    organizer_logs_in(page, site)
    page.goto(site + "/admin/bounties/challenge/add/")
    page.fill("#id_title", "Handwritten digits")
    page.locator("#id_title").press("Tab")
    assert page.input_value("#id_slug") == "handwritten-digits"  # the admin's prepopulated slug
    page.fill("#id_summary", "Classify 8x8 handwritten digits.")
    page.fill("#id_description", "Ten classes, 64 pixel intensities from 0 to 16.")
    now, ends = timezone.now(), timezone.now() + timedelta(hours=1)
    page.fill("#id_starts_at_0", now.strftime("%Y-%m-%d"))
    page.fill("#id_starts_at_1", "00:00:00")
    page.fill("#id_ends_at_0", ends.strftime("%Y-%m-%d"))
    page.fill("#id_ends_at_1", ends.strftime("%H:%M:%S"))
    page.fill("#id_input_shape", "64")
    page.fill("#id_output_shape", "10")
    page.select_option("#id_input_dtype", "float32")
    page.select_option("#id_metric", "accuracy")
    for accepted in ("onnx", "safetensors"):
        page.check(f"input[name=accepted_formats][value={accepted}]")
    page.check("input[name=architectures-mlp-accept]")
    for key, value in digits_starter.MLP_CONFIG.items():
        field = page.locator(f"#id_architectures-mlp-{key}")
        field.select_option(value) if key == "activation" else field.fill(str(value))
    page.set_input_files("#id_hidden_dataset_file", file_payload("digits-hidden.npz", hidden_set()))
    page.fill("#id_public_fraction", "0.3")
    page.uncheck("#id_use_ladder")  # every public score shows as it is
    page.fill("#id_prize_pool", str(POOL))
    screenshot("admin-add-challenge")
    page.locator("input[name=_save]").click()
    page.wait_for_url(site + "/admin/bounties/challenge/")
    challenge = Challenge.objects.get(slug="handwritten-digits")
    assert challenge.status == "draft" and challenge.hidden_dataset.n_rows == 1797 - TRAINING_ROWS

    admin_action(page, site, challenge, "publish", "handwritten-digits: published.")
    screenshot("admin-published")
    challenge.refresh_from_db()
    assert challenge.status == "open"
    return challenge


def contributor_signs_up_and_links_a_wallet(
    page: Any, site: str, wallet: InjectedWallet, screenshot: Any
) -> None:
    page.context.clear_cookies()
    page.goto(site + reverse("account_signup"))
    page.fill("input[name=username]", "ada")
    page.fill("input[name=email]", "ada@example.org")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    screenshot("sign-up")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/confirm-email/$"))
    (message,) = [m for m in mail.outbox if m.to == ["ada@example.org"]]
    link = re.search(r"https?://\S+/confirm-email/\S+/", str(message.body))
    assert link is not None, message.body
    page.goto(link.group(0))
    screenshot("confirm-email")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(site + reverse("bounties:challenge-list"))  # confirmed, and logged in by it

    page.goto(site + reverse("account-settings"))
    page.get_by_role("button", name="Link a wallet").click()
    linked = page.locator("[data-linked-address]")
    linked.wait_for()
    assert linked.inner_text() == wallet.account
    screenshot("wallet-linked")


def contributor_submits(
    page: Any, site: str, challenge: Challenge, model: Path, title: str, screenshot: Any = None
) -> Submission:
    """The challenge page's Submit a model: the model, a zip of the code, a license, a title."""
    page.goto(site + reverse("bounties:challenge-detail", args=[challenge.slug]))
    page.get_by_role("link", name="Submit a model").first.click()
    page.wait_for_url(site + reverse("bounties:submission-create", args=[challenge.slug]))
    page.set_input_files("#id_model_file", file_payload(model.name, model.read_bytes()))
    page.set_input_files("#id_source_archive", file_payload("digits-code.zip", code_zip()))
    page.select_option("#id_source_license", "MIT")
    page.fill("#id_title", title)
    page.fill("#id_writeup", "The starter script's network, trained on the first 1,200 digits.")
    if screenshot:
        screenshot("submission-form")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/submissions/\d+/$"))
    return Submission.objects.get(challenge=challenge, title=title)


def test_the_whole_loop(
    site: str,
    deployment: ChainDeployment,
    client: ChainClient,
    page: Any,
    wallet: InjectedWallet,
    worker_fleet: WorkerFleet,
    screenshot: Any,
    settings: LazySettings,
    tmp_path: Path,
) -> None:
    chain = DevChain(client)
    escrow = PrizeEscrow(client, deployment.escrow)
    governor = Governor(client, deployment.governor)
    prize_token = Erc20(client, deployment.prize_token)
    members = demo_member_accounts()
    contributor = wallet.account

    # 1. The organizer creates the challenge and its hidden set in the admin, and publishes it; the trust
    # chain creates it in the escrow (the beat's step, then the outbox), and a sponsor funds its pool.
    challenge = organizer_creates_and_publishes(page, site, screenshot)
    trust_chain_advance()
    assert [row.function for row in send_queued_rows()] == ["createChallenge"]
    trust_chain_advance()
    escrow_id = ChallengeOnChain.objects.get(challenge=challenge).escrow_challenge_id
    assert escrow_id is not None
    sponsor = members[9]
    prize_token.approve(sender=sponsor, spender=escrow.address, amount=POOL)
    escrow.fund(sender=sponsor, challenge_id=escrow_id, amount=POOL)

    # 2. A contributor signs up, confirms the address, links a wallet and submits two models with code.
    contributor_signs_up_and_links_a_wallet(page, site, wallet, screenshot)
    models = tmp_path / "models"
    first = contributor_submits(page, site, challenge, starter_model(models / "1", 1), "Starter MLP, 1 epoch")
    best = contributor_submits(
        page, site, challenge, starter_model(models / "8", 8), "Starter MLP, 8 epochs", screenshot
    )
    assert page.locator("#submission-status .badge").inner_text() == "Queued"
    assert "Position 2 in the CPU workers queue" in page.locator("#submission-status").inner_text()
    screenshot("submission-queued")
    readme_screenshot(page, "submission", height=760)  # its progress: place in the queue, estimated start

    # 3. The real worker scores both; the submission's page follows on its own (htmx polling), and the
    # leaderboard and the chart show the scores.
    worker_fleet.start("e2e-worker")
    scored = Submission.objects.filter(pk__in=[first.pk, best.pk], status=SubmissionStatus.SCORED)
    wait_until(lambda: scored.count() == 2, timeout=240, fleet=worker_fleet, what="both submissions scored")
    page.locator("#submission-status .badge", has_text="Scored").wait_for()
    best.refresh_from_db()
    assert best.private_score is not None and best.private_score > 0.8
    screenshot("submission-scored")
    page.reload()  # the panels around the status block too (the final ranking's Select button)
    page.goto(site + reverse("bounties:challenge-detail", args=[challenge.slug]))
    leader = page.locator("table.leaderboard tbody tr")
    assert leader.count() == 1 and "ada" in leader.inner_text()
    page.wait_for_function("window.Chart && Chart.getChart('score-chart')")
    assert page.evaluate("Chart.getChart('score-chart').data.datasets[0].data.length") == 2
    screenshot("challenge-leaderboard")
    readme_screenshot(page, "challenge", height=1080)

    # 4. The submissions are committed on chain; the organizer closes the challenge in the admin; once the
    # chain's clock is past the escrow's submission deadline, the evaluators' attestation is relayed.
    assert len(commitment_batches_create()) == 1
    assert [row.function for row in send_queued_rows()] == ["commit"]
    organizer_logs_in(page, site)
    admin_action(page, site, challenge, "close_now", "handwritten-digits: closed.")
    screenshot("admin-closed")
    chain.advance_to(escrow.challenge(escrow_id).submission_deadline + 1)
    trust_chain_advance()
    assert [row.function for row in send_queued_rows()] == ["attestResults"]
    assert ChallengeResults.objects.get(challenge=challenge).attest_transaction is not None

    # 5. The organizer drafts the prize proposal from the challenge page; the platform's proposer submits it.
    page.goto(site + reverse("bounties:challenge-detail", args=[challenge.slug]))
    page.get_by_role("link", name="Draft the prize proposal").click()
    page.get_by_role("button", name="Prepare the draft").click()
    page.wait_for_url(re.compile(r".*/governance/prize-drafts/\d+/$"))
    assert contributor in page.locator("table.recipients").inner_text()
    screenshot("prize-draft")
    page.get_by_role("button", name="Ask the platform's proposer to submit").click()
    page.locator("[data-draft-message]").wait_for()
    assert [row.function for row in send_queued_rows()] == ["propose"]
    chain_sync(deployment=deployment, client=client)
    proposal_id = int(PrizeProposalDraft.objects.get(challenge=challenge).proposal_id)
    proposal_url = site + reverse("governance:proposal-detail", args=[str(proposal_id)])

    # 6. The vote opens; one member votes gasless (the platform relays the ballot), another from the
    # wallet; the indexer reads both and the page's tally follows.
    chain.advance_to(governor.proposal_snapshot(proposal_id) + 1)
    chain_sync(deployment=deployment, client=client)
    grace, alan = members[0], members[1]
    linked_user("grace", grace.address)
    linked_user("alan", alan.address)
    sign_in_with_wallet(page, site, wallet, grace.address)
    page.goto(proposal_url)
    page.get_by_role("radio", name="For").check()
    page.fill("#vote-reason", "The leaderboard and the attestation agree")
    page.get_by_role("button", name="Vote (gasless)").click()
    page.wait_for_function("document.querySelector('[data-vote-message]').textContent.includes('recorded')")
    relayed_ballot = "castVoteWithReasonAndParamsBySig"  # the reason travels with the signed ballot
    assert [row.function for row in send_queued_rows()] == [relayed_ballot]
    chain_sync(deployment=deployment, client=client)
    sign_in_with_wallet(page, site, wallet, alan.address)
    page.goto(proposal_url)
    page.get_by_role("radio", name="For").check()
    page.fill("#vote-reason", "Pay the winner")
    page.get_by_role("button", name="Vote from my wallet").click()
    page.wait_for_function("document.querySelector('[data-vote-message]').textContent.includes('mined')")
    chain_sync(deployment=deployment, client=client)
    both = tokens(2 * DEMO_MEMBER_STAKE)
    page.wait_for_function(f"document.querySelector('[data-tally=\"for\"]').textContent === '{both}'")
    screenshot("proposal-voted")
    readme_screenshot(page, "proposal", height=760)

    # 7. The vote ends by the chain's clock; Queue, the timelock's delay, then Execute, from the page's
    # button (the platform relays both calls).
    chain.advance_to(governor.proposal_deadline(proposal_id) + 1)
    for step, wait in (("Queue", settings.GOVERNANCE_TIMELOCK_DELAY + 1), ("Execute", 0)):
        chain_sync(deployment=deployment, client=client)
        page.reload()
        page.get_by_role("button", name=step).click()
        page.locator("[data-advance-message]", has_text="Sent").wait_for()
        assert [row.function for row in send_queued_rows()] == [step.lower()]
        if wait:
            chain.advance(wait)
    chain_sync(deployment=deployment, client=client)
    page.reload()
    assert page.locator(".badge", has_text="executed").count() >= 1
    screenshot("proposal-executed")

    # 8. The contributor claims the prize from the profile; the profile and the chain agree on the amount.
    sign_in_with_wallet(page, site, wallet, contributor)
    page.goto(site + reverse("bounties:contributor-profile", args=["ada"]))
    page.locator("#governance-profile").click()
    page.get_by_role("button", name="Claim").click()
    page.locator("#claim-status", has_text="Sent by the platform").wait_for()
    assert [row.function for row in send_queued_rows()] == ["claim"]
    chain_sync(deployment=deployment, client=client)
    page.reload()
    received = prize_token.balance_of(contributor)
    assert received == POOL * challenge.prize_split[0] // 100  # the winner's share; nobody else ranked
    assert (
        page.locator("#member-rewards").inner_text()
        == f"{tokens(received)} awarded, {tokens(received)} claimed"
    )
    screenshot("prize-claimed")

    # 9. Everything about the winning submission holds: its files, its commitment, its attested score.
    report = io.StringIO()
    call_command("verify_submission", str(best.pk), stdout=report)  # raises CommandError unless all hold
    assert "Everything holds." in report.getvalue()
