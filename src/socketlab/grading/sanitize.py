"""Feedback pages safe to open: no script a submission wrote ever runs in a browser.

nbconvert's ``HTMLExporter.sanitize_html`` cleans cell outputs (and drops JavaScript
outputs), but nbgrader's feedback template renders markdown cells without it. The
``SanitizeMarkdown`` preprocessor renders each markdown cell itself, cleans the HTML
with bleach (an allowlist of tags and attributes; everything else is shown as text)
and hands the template one block of clean HTML, which markdown passes through unchanged.
"""

from __future__ import annotations

import re
from typing import Any

import bleach
from nbconvert.filters.markdown import markdown2html_mistune
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

__all__ = ["clean", "SanitizeMarkdown"]

TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em", "h1", "h2",
        "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "span", "strong", "sub",
        "summary", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul"}
ATTRIBUTES = {"*": ["class", "id", "title"], "a": ["href"], "img": ["src", "alt", "width", "height"],
              "td": ["align", "colspan", "rowspan"], "th": ["align", "colspan", "rowspan"]}
PROTOCOLS = {"http", "https", "mailto"}


def clean(html: str) -> str:
    """``html`` with only allowed tags, attributes and link protocols; anything else escaped (shown as text)."""
    return bleach.clean(html, tags=TAGS, attributes=ATTRIBUTES, protocols=PROTOCOLS)


class SanitizeMarkdown(Preprocessor):
    """Replace each markdown cell's source by its rendered, cleaned HTML in one HTML block."""

    enabled = Bool(True, help="on unless switched off (nbconvert's preprocessors are off by default)").tag(
        config=True)

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        if cell.cell_type == "markdown":
            html = clean(markdown2html_mistune(cell.source))
            # A blank line would end the HTML block and hand the rest back to markdown: keep none.
            html = re.sub(r"\n[ \t]*(?=\n)", "\n<!-- -->", html.strip())
            cell.source = f'<div class="socketlab-clean">\n{html}\n</div>'
        return cell, resources
