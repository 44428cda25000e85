"""Archived source files as HTML: code highlighted by Pygments, notebooks rendered read-only, cell by cell.

Trust boundary: every byte here comes from a contributor's archive. Code is only ever escaped (Pygments
escapes every token), Markdown goes through the sanitiser, and a notebook's outputs are shown as escaped
text only: HTML, JavaScript, images and widgets in outputs are never shown, so nothing in a notebook runs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import PythonLexer, TextLexer, get_lexer_by_name, get_lexer_for_filename
from pygments.util import ClassNotFound

from bounties.rendering import render_markdown

# Highlighting is linear in practice but not free: past this, a file is shown as plain escaped text.
MAX_HIGHLIGHT_CHARS = 512 * 1024
MAX_NOTEBOOK_CELLS = 2000
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
PLAIN_TEXT = "text/plain"


class NotebookUnreadable(ValueError):
    """The file is not a notebook this page can show (not JSON, or not nbformat 4's shape)."""


@dataclass(frozen=True)
class NotebookCell:
    kind: str  # "markdown", "code" or "raw"
    html: str  # sanitised Markdown or highlighted code: safe to mark safe
    outputs: list[str] = field(default_factory=list)  # plain text, escaped by the template
    hidden_outputs: list[str] = field(default_factory=list)  # MIME types not shown (HTML, images, ...)
    execution_count: int | None = None


def decode_text(data: bytes) -> str | None:
    """The bytes as UTF-8 text, or None for what looks binary (a NUL byte, or not UTF-8)."""
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def highlight_code(text: str, *, lexer: Lexer) -> str:
    """HTML of `text`, every token escaped, with line numbers; safe to mark safe."""
    if len(text) > MAX_HIGHLIGHT_CHARS:
        lexer = TextLexer()
    formatter = HtmlFormatter(linenos="table", cssclass="highlight", wrapcode=True)
    return highlight(text, lexer, formatter)


def lexer_for_path(path: str, text: str) -> Lexer:
    try:
        return get_lexer_for_filename(path.rsplit("/", 1)[-1], text[:4096], stripnl=False)
    except ClassNotFound:
        return TextLexer(stripnl=False)


def highlight_file(path: str, text: str) -> str:
    return highlight_code(text, lexer=lexer_for_path(path, text))


def render_notebook(data: bytes) -> list[NotebookCell]:
    """The cells of an nbformat 4 notebook, rendered; raises NotebookUnreadable for anything else."""
    try:
        notebook = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise NotebookUnreadable("not JSON") from exc
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise NotebookUnreadable("no cells")
    cells = notebook["cells"][:MAX_NOTEBOOK_CELLS]
    lexer = _notebook_lexer(notebook.get("metadata"))
    return [_render_cell(cell, lexer) for cell in cells]


def _render_cell(cell: Any, lexer: Lexer) -> NotebookCell:
    if not isinstance(cell, dict):
        raise NotebookUnreadable("a cell is not an object")
    source = _text(cell.get("source", ""))
    kind = cell.get("cell_type")
    if kind == "markdown":
        return NotebookCell(kind="markdown", html=render_markdown(source))
    if kind == "code":
        count = cell.get("execution_count")
        outputs, hidden = _outputs(cell.get("outputs", []))
        return NotebookCell(
            kind="code",
            html=highlight_code(source, lexer=lexer),
            outputs=outputs,
            hidden_outputs=hidden,
            execution_count=count if isinstance(count, int) and not isinstance(count, bool) else None,
        )
    return NotebookCell(kind="raw", html=highlight_code(source, lexer=TextLexer()))


def _outputs(outputs: Any) -> tuple[list[str], list[str]]:
    """Text outputs as plain strings, and the MIME types of those that are not shown."""
    if not isinstance(outputs, list):
        raise NotebookUnreadable("outputs are not a list")
    shown: list[str] = []
    hidden: list[str] = []
    for output in outputs:
        if not isinstance(output, dict):
            raise NotebookUnreadable("an output is not an object")
        kind = output.get("output_type")
        if kind == "stream":
            shown.append(_text(output.get("text", "")))
        elif kind == "error":
            traceback = output.get("traceback")
            lines = traceback if isinstance(traceback, list) else []
            shown.append(ANSI_ESCAPE.sub("", "\n".join(line for line in lines if isinstance(line, str))))
        elif kind in ("execute_result", "display_data"):
            bundle = output.get("data")
            bundle = bundle if isinstance(bundle, dict) else {}
            if PLAIN_TEXT in bundle:
                shown.append(_text(bundle[PLAIN_TEXT]))
            hidden.extend(sorted(str(mime)[:100] for mime in bundle if mime != PLAIN_TEXT))
    return shown, hidden


def _text(value: Any) -> str:
    """nbformat keeps multi-line text as a string or a list of strings."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return "".join(value)
    raise NotebookUnreadable("text is neither a string nor a list of strings")


def _notebook_lexer(metadata: Any) -> Lexer:
    language = "python"
    if isinstance(metadata, dict):
        info = metadata.get("language_info") or metadata.get("kernelspec") or {}
        name = info.get("name") or info.get("language") if isinstance(info, dict) else None
        if isinstance(name, str):
            language = name
    try:
        return get_lexer_by_name(language, stripnl=False)
    except ClassNotFound:
        return PythonLexer(stripnl=False)


@dataclass(frozen=True)
class RenderedFile:
    kind: str  # "code", "markdown", "notebook", "binary" or "too_large"
    html: str = ""  # safe to mark safe: Pygments' escaped tokens or sanitised Markdown
    cells: list[NotebookCell] = field(default_factory=list)
    note: str = ""  # fixed text shown above the file


NOTEBOOK_UNREADABLE = "This notebook could not be read as nbformat 4; it is shown as text."
BINARY = "This file is binary, or not UTF-8 text: download it to look inside."
TOO_LARGE = "This file is too large to show here: download the archive to read it."


def render_source_file(*, path: str, data: bytes, truncated: bool) -> RenderedFile:
    """How the code browser shows one archived file; never anything that runs."""
    if truncated:
        return RenderedFile(kind="too_large", note=TOO_LARGE)
    text = decode_text(data)
    if text is None:
        return RenderedFile(kind="binary", note=BINARY)
    lower = path.lower()
    if lower.endswith(".ipynb"):
        try:
            return RenderedFile(kind="notebook", cells=render_notebook(data))
        except NotebookUnreadable:
            return RenderedFile(
                kind="code", html=highlight_file("notebook.json", text), note=NOTEBOOK_UNREADABLE
            )
    if lower.endswith((".md", ".markdown")):
        return RenderedFile(kind="markdown", html=render_markdown(text))
    return RenderedFile(kind="code", html=highlight_file(path, text))
