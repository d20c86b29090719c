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

    def located(self, path: str | None, source: str | None) -> "DockerfileSyntaxError":
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
        head = f"{self.location}: {self.message}"
        if self.source_line is None:
            return head
        shown = self.source_line.expandtabs(1)
        return f"{head}\n    {shown}\n    {' ' * (self.column - 1)}^"


def _line_of(source: str, line: int) -> str | None:
    lines = source.split("\n")
    if 1 <= line <= len(lines):
        return lines[line - 1].rstrip("\r").lstrip("\ufeff")
    return None
