"""Small pieces the dashboard's page is built of: plain paragraphs and hidden state hooks."""

from __future__ import annotations

import solara


def Paragraphs(text_or_lines, classes: list[str] | None = None):
    """Plain paragraphs (no Markdown: Solara's Markdown fetches KaTeX from a CDN)."""
    lines = text_or_lines.split("\n\n") if isinstance(text_or_lines, str) else text_or_lines
    with solara.Column(gap="4px", classes=classes or []) as col:
        for line in lines:
            solara.v.Html(tag="p", children=[line], class_="ma-0")
    return col


def Hook(name: str, **data):
    """A hidden element of class ``name`` whose data attributes (``data-KEY``) give state."""
    return solara.HTML(tag="div", classes=[name], style="display: none",
                       attributes={f"data-{k.replace('_', '-')}": str(v)
                                   for k, v in data.items()})
