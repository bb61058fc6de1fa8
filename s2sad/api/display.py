"""Display helpers shared by the teaching views: highlighting, tables, notebook reprs.

Input: Python text (a statement, a function) or rows of cells. Output: the
same text highlighted for a terminal (ANSI colours) or for a notebook (HTML
with inline styles, so it needs no stylesheet), or a plain-text table whose
columns line up even when the cells carry colour codes. Pygments is optional:
without it every function returns plain (HTML-escaped, where HTML) text.
"""
from __future__ import annotations

import html
import re
from typing import Sequence

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def have_pygments() -> bool:
    """True when Pygments is importable."""
    try:
        import pygments  # noqa: F401
    except ImportError:
        return False
    return True


def visible_len(text: str) -> int:
    """Length of `text` as a terminal shows it (colour codes take no room)."""
    return len(_ANSI.sub("", text))


def ansi(text: str, color: bool = True) -> str:
    """`text` as Python, highlighted with ANSI colours when `color` and Pygments allow."""
    if not color or not text.strip() or not have_pygments():
        return text
    from pygments import highlight
    from pygments.formatters import TerminalFormatter
    from pygments.lexers import PythonLexer

    out = highlight(text, PythonLexer(), TerminalFormatter())
    return out if text.endswith("\n") else out.rstrip("\n")


def html_code(text: str, block: bool = True) -> str:
    """`text` as Python in HTML: Pygments spans with inline styles, else escaped text."""
    if not have_pygments():
        body = html.escape(text)
    else:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer

        body = highlight(text, PythonLexer(), HtmlFormatter(nowrap=True, noclasses=True, style="default"))
        body = body.rstrip("\n") if not text.endswith("\n") else body
    if block:
        return f'<pre style="margin:0;line-height:1.25">{body}</pre>'
    return body


def text_table(
    header: Sequence[str],
    groups: Sequence[Sequence[Sequence[str]]],
    color: bool = False,
    code_columns: Sequence[bool] | None = None,
    sep: str = " | ",
) -> str:
    """A plain-text table: `groups` of rows of cells, with a rule between groups.

    Cells are Python text and are highlighted when `color` is true; widths are
    measured on the plain text, so columns line up either way.
    """
    ncol = len(header)
    code = list(code_columns) if code_columns is not None else [True] * ncol
    widths = [len(h) for h in header]
    for group in groups:
        for row in group:
            for i, cell in enumerate(row):
                widths[i] = max(widths[i], len(cell))
    widths[-1] = 0  # the last column is not padded

    def line(cells: Sequence[str], paint: bool) -> str:
        parts = []
        for i in range(ncol):
            cell = cells[i] if i < len(cells) else ""
            shown = ansi(cell, paint and code[i])
            parts.append(shown + " " * max(widths[i] - len(cell), 0))
        return sep.join(parts).rstrip()

    rule = sep.replace("|", "+").replace(" ", "-").join("-" * max(w, len(h)) for w, h in zip(widths, header))
    out = [line(header, False), rule]
    for k, group in enumerate(groups):
        if k:
            out.append(rule)
        out.extend(line(row, color) for row in group)
    return "\n".join(out) + "\n"


def html_table(
    header: Sequence[str],
    groups: Sequence[Sequence[Sequence[str]]],
    code_columns: Sequence[bool] | None = None,
    caption: str | None = None,
) -> str:
    """An HTML table with one `<tbody>` per group; code cells are highlighted."""
    code_columns = list(code_columns) if code_columns is not None else [True] * len(header)
    cell_style = 'style="text-align:left;vertical-align:top;padding:1px 8px;font-family:monospace;white-space:pre"'
    parts = ['<table style="border-collapse:collapse">']
    if caption:
        parts.append(f'<caption style="text-align:left">{html.escape(caption)}</caption>')
    th = '<th style="text-align:left;padding:1px 8px">'
    parts.append("<thead><tr>" + "".join(f"{th}{html.escape(h)}</th>" for h in header) + "</tr></thead>")
    for group in groups:
        parts.append('<tbody style="border-top:1px solid #ccc">')
        for row in group:
            cells = []
            for i, cell in enumerate(row):
                shown = html_code(cell, block=False) if code_columns[i] and cell.strip() else html.escape(cell)
                cells.append(f"<td {cell_style}>{shown}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</tbody>")
    parts.append("</table>")
    return "".join(parts)


class Code(str):
    """Python source text that prints as itself and renders highlighted in Jupyter."""

    def _repr_html_(self) -> str:
        """Highlighted HTML for notebooks."""
        return html_code(str(self))

    def highlighted(self, color: bool = True) -> str:
        """The text with ANSI colours for a terminal."""
        return ansi(str(self), color)


__all__ = ["Code", "ansi", "html_code", "text_table", "html_table", "visible_len", "have_pygments"]
