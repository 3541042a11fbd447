"""The book's own Sphinx extension: what the site needs to read well offline.

- MathJax on every page. Sphinx loads MathJax only on pages it knows to have maths; the
  bibliography's titles (``\\(O(n)\\)`` in a title) are maths it does not know of. The
  script itself is served from the built site (``sphinx-mathjax-offline``, MathJax 3 in
  a pinned wheel), so no page needs the network.
- Bibliography labels that match the text. The text cites author-year
  (``[Tibshirani, 1996]``); pybtex's styles label the list ``[1]``, ``[2]``. The
  ``authoryear`` style below labels each entry as the text cites it, with a, b suffixes
  where two entries would share a label.
"""

from __future__ import annotations

import re
from collections import Counter

from docutils import nodes
from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle


def _surname(person) -> str:
    parts = person.prelast_names + person.last_names
    return Text.from_latex(" ".join(parts)).render_as("text")


def _author_year(entry) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    names = [_surname(p) for p in people]
    if not names:
        who = Text.from_latex(entry.fields.get("organization", entry.key)).render_as(
            "text"
        )
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    return f"{who}, {entry.fields.get('year', 'n.d.')}"


class AuthorYearLabels(BaseLabelStyle):
    """Labels such as "Zou and Hastie, 2005" or "Kohavi et al., 2020a"."""

    def format_labels(self, sorted_entries):
        entries = list(sorted_entries)
        labels = [_author_year(e) for e in entries]
        counts = Counter(labels)
        seen: Counter = Counter()
        for label in labels:
            if counts[label] > 1:
                seen[label] += 1
                yield f"{label}{chr(ord('a') + seen[label] - 1)}"
            else:
                yield label


class AuthorYearStyle(PlainStyle):
    default_label_style = "authoryear"


register_plugin("pybtex.style.labels", "authoryear", AuthorYearLabels)
register_plugin("pybtex.style.formatting", "authoryear", AuthorYearStyle)


_INLINE_MATH = re.compile(r"\\\((.+?)\\\)")


def _bibliography_maths(app, doctree, docname):
    """Turn ``\\(...\\)`` in a bibliography entry into a maths node, which MathJax
    typesets (Sphinx's MathJax setup ignores TeX outside maths nodes)."""
    for citation in list(doctree.findall(nodes.citation)):
        for text in list(citation.findall(nodes.Text)):
            value = str(text)
            if "\\(" not in value or isinstance(text.parent, nodes.math):
                continue
            new = []
            for i, part in enumerate(_INLINE_MATH.split(value)):
                if i % 2:
                    new.append(nodes.math(part, part))
                elif part:
                    new.append(nodes.Text(part))
            text.parent.replace(text, new)


def setup(app):
    # Every page gets the maths script, so a formula in a bibliography title renders.
    app.set_html_assets_policy("always")
    app.connect("doctree-resolved", _bibliography_maths)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
