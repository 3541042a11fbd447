"""The reusable, tested methods of "The Streaming Data-Science Interview, Answered in
Code".

Each chapter of the book builds its methods here once, with docstrings, type hints,
input validation and unit tests, and shows their source with
:func:`dsinterview.display.show_source`; chapters glue the numbers their prose quotes
with :func:`dsinterview.display.glue`.
"""

from dsinterview.display import glue, show_source
from dsinterview.plotting import use_book_style
from dsinterview.replicate import replicate

__all__ = ["glue", "replicate", "show_source", "use_book_style"]
__version__ = "0.1.0"
