"""The error a Dockerfile that cannot be read raises."""

from __future__ import annotations


class DockerfileSyntaxError(ValueError):
    """A Dockerfile BuildKit would refuse, located to a line and column.

    ``str(error)`` is ``path:line:col: message`` followed by the offending
    line and a caret under the column, ready to print to a user.
    """

    def __init__(self, message: str, *, line: int, column: int = 1, path: str | None = None, source: str | None = None):
        self.message = message
        self.line = line
        self.column = column
        self.path = path
        self.source_line = _line_of(source, line) if source is not None else None
        super().__init__(message)

    def located(self, path: str | None, source: str | None) -> DockerfileSyntaxError:
        """Attach the file's path and text (done once, where both are known)."""
        if path is not None:
            self.path = path
        if source is not None and self.source_line is None:
            self.source_line = _line_of(source, self.line)
        return self

    @property
    def location(self) -> str:
        return f"{self.path or '<stdin>'}:{self.line}:{self.column}"

    def __str__(self) -> str:
        head = f"{self.location}: {shorten(self.message, MAX_MESSAGE)}"
        if self.source_line is None:
            return head
        shown, caret = window(self.source_line.expandtabs(1), self.column)
        return f"{head}\n    {shown}\n    {' ' * (caret - 1)}^"


#: the widest source line an error shows; a longer one is cut around the column
MAX_SHOWN = 100
#: the longest message shown (a message may quote the input)
MAX_MESSAGE = 300
ELLIPSIS = "…"


def window(line: str, column: int, width: int = MAX_SHOWN) -> tuple[str, int]:
    """``line`` cut to about ``width`` characters around ``column`` (1-based),
    with an ellipsis where it was cut, and the caret's column in the cut
    text. A 5 MB line gives a line of a hundred characters, not 5 MB."""
    if len(line) <= width:
        return line, column
    start = max(0, min(column - 1 - width // 2, len(line) - width))
    end = start + width
    text = line[start:end]
    caret = column - start
    if start > 0:
        text = ELLIPSIS + text
        caret += 1
    if end < len(line):
        text += ELLIPSIS
    return text, caret


def shorten(text: str, width: int) -> str:
    """``text``, or its start and an ellipsis when it is longer than ``width``."""
    return text if len(text) <= width else text[: width - 1] + ELLIPSIS


def _line_of(source: str, line: int) -> str | None:
    lines = source.split("\n")
    if 1 <= line <= len(lines):
        return lines[line - 1].rstrip("\r").lstrip("\ufeff")
    return None
