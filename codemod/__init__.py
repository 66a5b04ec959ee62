"""reprofix's engine: the command line, file handling, the patch and its reversal (journal/), and the
runs of the user's command that judge the result (verify/)."""

__version__ = "0.1.0"


def deep_enough() -> None:
    """libcst recurses as deep as the code nests (within the parse guard's limit): every process
    that rewrites raises the limit (here, so the command line need not load the engine to do it)."""
    import sys

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))


def colour(stream) -> bool:
    """Whether to colour what goes to `stream`: only a terminal, and not when NO_COLOR is set to
    anything but the empty string (https://no-color.org). Never JSON or SARIF: those callers do not ask."""
    import os

    return stream.isatty() and not os.environ.get("NO_COLOR")
