"""One family of expected failures, each with its exit code; only the CLI catches them."""

from __future__ import annotations

from typing import NamedTuple

from parentinvolve.i18n import ngettext

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class Problem(NamedTuple):
    """One located problem in a file: printed as `path:line:col: message`. (Records that every command may
    make are NamedTuples: immutable like a frozen dataclass, and much cheaper to define at start-up.)"""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class ParentInvolveError(Exception):
    """An expected failure: a message for the user and the exit code to leave with."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def lines(self) -> list[str]:
        return [self.message] + ([self.hint] if self.hint else [])


class ContentError(ParentInvolveError):
    """The knowledge base could not be loaded: every problem, located."""

    exit_code = EXIT_ERROR

    def __init__(self, problems: list[Problem], *, root: str = "", clinic: str = "") -> None:
        self.problems = sorted(problems, key=lambda p: (p.path, p.line, p.col))
        count = len(self.problems)
        from shlex import quote

        again = "`parentinvolve validate" + (f" {quote(root)}" if root else "")  # that folder, not the built-in one
        again += (f" --clinic {quote(clinic)}" if clinic else "") + "`"
        if root and clinic:
            message = ngettext(
                "The content in {folder} with the clinic's layer {clinic} has {count} problem.",
                "The content in {folder} with the clinic's layer {clinic} has {count} problems.",
                count,
            )
        elif clinic:  # the built-in content with a clinic's layer: the layer is what to look at
            message = ngettext(
                "The clinic's layer {clinic} has {count} problem.",
                "The clinic's layer {clinic} has {count} problems.",
                count,
            )
        elif root:
            message = ngettext(
                "The content in {folder} has {count} problem.", "The content in {folder} has {count} problems.", count
            )
        else:
            message = ngettext("The content has {count} problem.", "The content has {count} problems.", count)
        super().__init__(
            message.format(folder=root, clinic=clinic, count=count),
            hint=ngettext(
                "Fix it, then check again with {command}.", "Fix them, then check again with {command}.", count
            ).format(command=again),
        )

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems] + [self.message + " " + self.hint]


class UsageError(ParentInvolveError):
    """The command line or an input file is not what we expect."""

    exit_code = EXIT_USAGE


class AnswersError(UsageError):
    """An answers file (or answers mapping) has problems: one line each."""

    def __init__(self, problems: list[str], *, source: str = "answers") -> None:
        self.problems = problems
        self.source = source
        many = ngettext("{count} problem", "{count} problems", len(problems)).format(count=len(problems))
        super().__init__(f"{source}: " + (problems[0] if len(problems) == 1 else many))

    def lines(self) -> list[str]:
        if len(self.problems) == 1:
            return [self.message]
        return [f"{self.source}: {p}" for p in self.problems]


class OutputError(ParentInvolveError):
    """A file we were asked to write could not be written."""

    exit_code = EXIT_ERROR


class Interrupted(ParentInvolveError):
    """The user pressed Ctrl-C or Ctrl-D."""

    exit_code = EXIT_INTERRUPTED
