"""In a real browser: from a published submission, browse its code, a highlighted file, the README and a notebook."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from tests.bounties.source_fixtures import published_source_submission


def test_a_visitor_browses_the_published_code_of_a_submission(page: Any, site: str, screenshot: Any) -> None:
    submission = published_source_submission(title="Digits MLP")
    dialogs: list[str] = []

    def record(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)  # an alert() from the archive would land here

    page.goto(site + reverse("bounties:submission-detail", args=[submission.pk]))
    block = page.locator(".source-code-panel")
    assert "MIT" in block.inner_text() and "eligible for prizes" in block.inner_text()
    screenshot("submission-with-license")

    page.get_by_role("link", name="Browse code").click()
    page.wait_for_url(site + reverse("bounties:source-browse", args=[submission.pk]))
    assert page.locator(".source-markdown h1").inner_text() == "Digits MLP"
    screenshot("tree-and-readme")

    page.locator(".source-tree").get_by_role("link", name="train.py").click()
    page.wait_for_url(site + reverse("bounties:source-file", args=[submission.pk, "src/train.py"]))
    keyword = page.locator(".highlight .kn").first
    assert keyword.inner_text() == "import"
    assert keyword.evaluate("node => getComputedStyle(node).color") != page.locator(
        ".highlight .n"
    ).first.evaluate("node => getComputedStyle(node).color")
    screenshot("highlighted-file")

    page.locator(".source-tree").get_by_role("link", name="README.md").click()
    assert page.locator(".source-markdown strong").inner_text() == "bold"
    screenshot("readme-file")

    page.locator(".source-tree").get_by_role("link", name="explore.ipynb").click()
    page.wait_for_url(site + reverse("bounties:source-file", args=[submission.pk, "notebooks/explore.ipynb"]))
    assert page.locator(".notebook-markdown h2").inner_text() == "Exploring the data"
    assert page.locator(".notebook-output").first.inner_text() == "[0 1 2]\n"
    assert page.locator(".notebook-code .highlight .kn").first.inner_text() == "import"
    screenshot("notebook")

    assert dialogs == []  # nothing from the archive ran
