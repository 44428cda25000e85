"""The template filters: token amounts, scores and sanitised Markdown."""

from __future__ import annotations

import pytest

from bounties.templatetags.clueboard import http_url, markdown_filter, score, tokens


@pytest.mark.parametrize(
    ("base_units", "expected"),
    [
        (0, "0"),
        (1, "0.000000000000000001"),
        (10**18, "1"),
        (1500 * 10**18, "1,500"),
        (1234567 * 10**17, "123,456.7"),
        (2**256 - 1, f"{(2**256 - 1) // 10**18:,}.{(2**256 - 1) % 10**18:018d}"),
        ("25000000000000000000", "25"),
        (None, "—"),
    ],
)
def test_tokens_shows_base_units_as_tokens_exactly(base_units: int | str | None, expected: str) -> None:
    assert tokens(base_units) == expected


def test_score_has_six_decimals_and_a_dash_for_none() -> None:
    assert score(0.5) == "0.500000"
    assert score(None) == "—"


def test_markdown_filter_removes_scripts_and_keeps_formatting() -> None:
    html = markdown_filter("**bold** <script>alert(1)</script>")

    assert "<strong>bold</strong>" in html
    assert "<script>" not in html


def test_http_url_keeps_only_web_links() -> None:
    assert http_url("https://example.org/x") == "https://example.org/x"
    assert http_url("javascript:alert(1)") == ""
    assert http_url(None) == ""
