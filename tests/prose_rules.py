"""The chapter guide's rules as functions, so that tests/test_rules.py can apply them to
every chapter and tests/test_rules.py can also test the rules themselves on small
examples.

- :func:`hand_typed_numbers`: numbers in running Markdown text that no ``glue``
  produced.
- :func:`two_minute_words`: the length of the spoken answer.
- :func:`is_plot_only`: a code cell whose only output is a figure.
"""

from __future__ import annotations

import re

# What is not running text: each pattern is removed (replaced by a space) before numbers
# are looked for. The first group may span lines; the second is matched line by line.
_NOT_PROSE_SPANNING = [
    r"```.*?```",  # fenced code
    r"~~~.*?~~~",
    r"<!--.*?-->",  # HTML comments
    r"\$\$.*?\$\$",  # display maths
    r"\\\[.*?\\\]",
    r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}",
]
_NOT_PROSE_LINES = [
    r"(?<![\\$])\$(?!\$)(?:[^$\n]|\n(?![ \t]*\n))+?(?<!\\)\$",  # inline maths, may wrap
    r"\\\((?:[^\n]|\n(?![ \t]*\n))*?\\\)",
    r"\{[\w:-]+\}`[^`]*`",  # roles: glue, cite, doc, ref, numref, eq, math ...
    r"``[^`]*``",  # code spans
    r"`(?:[^`\n]|\n(?![ \t]*\n))+`",  # may wrap, not across a blank line
    r"!?\[[^\]]*\]\([^)]*\)",  # links and images, text and target
    r"\[\^[^\]]+\]",  # footnote references
    r"<[^>\n]+>",  # HTML tags and autolinks
    r"^[ \t]*\([\w-]+\)=[ \t]*$",  # MyST targets: (label)=
    r"^[ \t]*:[\w-]+:.*$",  # directive options: :label: ex-1, :class: dropdown
    r"^[ \t]*(?::::+|```+)\{?[\w:-]*\}?.*$",  # directive fences and their arguments
    r"^#{1,6}[ \t]+(?:\d+(?:\.\d+)*\.?)?",  # a heading's marker and its numbering
    r"^[ \t]*\d+[.)][ \t]",  # the number of a numbered-list item
    r"https?://\S+",  # bare URLs
]
_NOT_PROSE_RE = [re.compile(p, re.DOTALL) for p in _NOT_PROSE_SPANNING] + [
    re.compile(p, re.MULTILINE) for p in _NOT_PROSE_LINES
]

# A number in prose: digits (with thousands separators and a decimal part), not part of
# a name such as L1, F1, log2, p99 or a label ex-sql-2 (a letter, digit, underscore or
# hyphen-word before it).
_NUMBER = re.compile(
    r"(?<![\w.\-/])[-−+]?\d[\d,]*(?:\.\d+)?(?:\s?%|x\b|×)?(?![\w])"
    r"|(?<![\w.])\d[\d,]*(?:\.\d+)?(?=x\b)"
)
# Numbers that name things rather than measure them, in every chapter: years, a
# conventional interval level ("a 95% interval"), a binary coding ("0/1 outcome") and
# integer widths ("64-bit").
_YEAR = re.compile(r"(?:19|20)\d\d")
_NAMES = re.compile(
    r"\b(?:90|95|99)\s?% (?:confidence |credible |prediction |bootstrap "
    r"|normal-approximation )?"
    r"(?:interval|CI|band|margin)s?\b"
    r"|\(\s?(?:90|95|99)\s?% (?:CI|interval)\b"
    r"|\b0/1\b|\b(?:8|16|32|64|128)-bit\b"
)


def prose_of(markdown: str) -> str:
    """The running text of a Markdown cell: maths, code, roles, links, directive options
    and headings' numbering removed."""
    text = markdown
    for pattern in _NOT_PROSE_RE:
        text = pattern.sub(" ", text)
    return text


def hand_typed_numbers(
    markdown: str, allowed: list[str] | tuple[str, ...] = ()
) -> list[str]:
    """The numbers in ``markdown``'s running text that are typed by hand.

    ``allowed`` lists phrases (from a chapter's allowlist) whose numbers are constants
    of the question or names; every occurrence of such a phrase is removed before the
    search. Years (19xx, 20xx) are names, not measurements, and are not flagged.
    """
    text = _NAMES.sub(" ", prose_of(markdown))
    for phrase in allowed:
        text = text.replace(phrase, " ")
    found = []
    for match in _NUMBER.finditer(text):
        token = match.group(0).strip()
        if _YEAR.fullmatch(token):
            continue
        start, end = max(0, match.start() - 30), min(len(text), match.end() + 30)
        context = " ".join(text[start:end].split())
        found.append(f"{token!r} in “…{context}…”")
    return found


_ROLE = re.compile(r"\{[\w:-]+\}`[^`]*`")


def two_minute_words(markdown: str) -> int | None:
    """Words in the body of the cell's two-minute-answer admonition (a glued value is
    one word), or None if the cell has no such admonition."""
    match = re.search(
        r"^(:{3,})\{admonition\} The answer in two minutes[^\n]*\n(.*?)^\1\s*$",
        markdown,
        re.DOTALL | re.MULTILINE,
    )
    if not match:
        return None
    body = "\n".join(
        line
        for line in match.group(2).splitlines()
        if not re.match(r"\s*:[\w-]+:", line)
    )
    body = _ROLE.sub(" N ", body)
    body = re.sub(r"\$[^$]+\$", " M ", body)
    return len(re.findall(r"[^\W_][\w'’.\-/]*", body))


def is_plot_only(cell: dict) -> bool:
    """A code cell whose outputs are figures and nothing else (no table, no printed
    text)."""
    outputs = cell.get("outputs", [])
    if not outputs:
        return False
    for out in outputs:
        if out.get("output_type") not in ("display_data", "execute_result"):
            return False
        data = out.get("data", {})
        if not any(k.startswith("image/") for k in data):
            return False
    return True


def has_image(cell: dict) -> bool:
    return any(
        any(k.startswith("image/") for k in out.get("data", {}))
        for out in cell.get("outputs", [])
    )
