"""Markdown from organizers and contributors is rendered, and sanitised."""

from bounties.rendering import render_markdown


def test_markdown_is_rendered() -> None:
    html = render_markdown("# Title\n\n*soft* and **bold**\n\n```python\nx = 1\n```")
    assert "<h1>Title</h1>" in html
    assert "<em>soft</em>" in html
    assert '<code class="language-python">' in html


def test_scripts_handlers_and_javascript_links_are_removed() -> None:
    html = render_markdown(
        "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[click](javascript:alert(3))"
        '\n\n<a href="https://example.org" onclick="steal()">ok</a>'
    )
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "onclick" not in html
    assert 'rel="nofollow noopener noreferrer"' in html
