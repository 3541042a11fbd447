"""Show the package's own source inside a chapter, highlighted in Jupyter and in the built book."""

from __future__ import annotations

import inspect
import textwrap
from pathlib import Path
from typing import Any


class SourceCode:
    """The source of a function, class or module, rendered as a highlighted Python code block.

    Jupyter and the book render the ``text/markdown`` form (a caption and a fenced ``python`` block, which
    both highlight); the plain-text form is the bare source, so tests compare exactly the code shown.
    """

    def __init__(self, qualname: str, path: str, source: str) -> None:
        self.qualname = qualname
        self.path = path
        self.source = source

    def _repr_markdown_(self) -> str:
        return f"`{self.qualname}`, from `{self.path}`:\n\n```python\n{self.source}\n```\n"

    def __repr__(self) -> str:
        return self.source


def show_source(obj: Any) -> SourceCode:
    """Return the source of ``obj`` (a function, class, method or module) for display in a notebook.

    The last expression of a cell displays it: ``show_source(dsinterview.linear.lasso)``.

    Raises:
        TypeError: if ``obj`` is not a function, class, method or module, or has no Python source
            (a built-in, a C extension, a lambda typed at the prompt).
    """
    if not (inspect.isfunction(obj) or inspect.isclass(obj) or inspect.ismethod(obj) or inspect.ismodule(obj)):
        raise TypeError(
            f"show_source expects a function, class, method or module; got {type(obj).__name__}"
        )
    try:
        source = inspect.getsource(obj)
        file = inspect.getsourcefile(obj)
    except (OSError, TypeError) as exc:
        raise TypeError(f"{obj!r} has no Python source to show: {exc}") from exc
    if file is None:
        raise TypeError(f"{obj!r} has no Python source file to show")
    module = obj.__name__ if inspect.ismodule(obj) else obj.__module__
    name = module if inspect.ismodule(obj) else f"{module}.{obj.__qualname__}"
    return SourceCode(name, _display_path(Path(file)), textwrap.dedent(source).rstrip("\n"))


def _display_path(file: Path) -> str:
    """A path that does not depend on where the repository is checked out: from the package on."""
    parts = file.resolve().parts
    if "dsinterview" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("dsinterview") :])
    return file.name
