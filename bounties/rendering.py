"""Markdown to sanitised HTML: organizers' and contributors' text can never inject script."""

import markdown
import nh3

MARKDOWN_EXTENSIONS = ["fenced_code", "tables", "sane_lists"]
# nh3's defaults cover Markdown's output; code blocks keep their language class for styling.
ALLOWED_ATTRIBUTES = {**nh3.ALLOWED_ATTRIBUTES, "code": {"class"}, "a": {"href", "title"}}


def render_markdown(text: str) -> str:
    """HTML safe to mark safe in a template: scripts, event handlers and javascript: links are removed."""
    html = markdown.markdown(text or "", extensions=MARKDOWN_EXTENSIONS, output_format="html")
    return nh3.clean(
        html,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
