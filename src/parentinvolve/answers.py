"""Check a parent's answers against the questions and fill in defaults (pure; no IO)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from parentinvolve.conditions import AnswerValue, holds
from parentinvolve.errors import AnswersError
from parentinvolve.i18n import _
from parentinvolve.model import KnowledgeBase, Question
from parentinvolve.text.didyoumean import did_you_mean


def asked(question: Question, answers: Mapping[str, AnswerValue]) -> bool:
    """Whether `question` is put, given the answers so far."""
    return question.when is None or holds(question.when, answers)


def normalise(
    kb: KnowledgeBase, raw: Mapping[Any, Any], *, source: str = "answers", partial: bool = False
) -> dict[str, AnswerValue]:
    """The answers in canonical form, in question order, defaults filled; AnswersError lists every problem.

    With `partial`, missing answers are left out instead of being problems (they will be asked).
    """
    problems: list[str] = []
    known = [q.id for q in kb.questions]
    for key in raw:
        if not isinstance(key, str) or key not in known:
            problems.append(
                _("unknown question {name}{suggestion}; the questions are: {questions}").format(
                    name=shown(key), suggestion=did_you_mean(str(key), known), questions=", ".join(known)
                )
            )
    out: dict[str, AnswerValue] = {}
    for q in kb.questions:
        if q.id in raw:
            value, problem = check_value(q, raw[q.id])
            if problem:
                problems.append(f"{q.id}: {problem}")
            elif value is not None:
                out[q.id] = value
        elif asked(q, out) and not partial:
            if q.default is not None:
                out[q.id] = q.default
            elif not any(p.startswith(f"{q.id}:") for p in problems):
                problems.append(_("{question} is missing: {what}").format(question=q.id, what=describe(q)))
    if problems:
        raise AnswersError(problems, source=source)
    return out


def describe(q: Question) -> str:
    """What a question takes, in a few words, for error messages."""
    if q.kind == "integer":
        if q.min is not None and q.max is not None:
            return _("give a whole number from {low} to {high}").format(low=q.min, high=q.max)
        if q.max is None:
            return _("give a whole number from {low}").format(low=q.min)
        if q.min is None:
            return _("give a whole number up to {high}").format(high=q.max)
        return _("give a whole number")
    choices = ", ".join(q.choice_ids())
    if q.kind == "multi":
        return _("give a list of one or more of: {choices}").format(choices=choices)
    return _("give one of: {choices}").format(choices=choices)


def shown(value: object, limit: int = 40) -> str:
    """A value as the parent wrote it (`true`, `null`, `"five"`, `[a, b]`), shortened, escapes made visible."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**limit:
        return _("a number with more than {limit} digits").format(limit=limit)
    try:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    except (TypeError, ValueError, RecursionError):  # e.g. a huge number inside a list
        return _("a value that is too long to show")
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in text):
        text = ascii(value) if isinstance(value, str) else text.encode("unicode_escape").decode("ascii")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_value(q: Question, value: object) -> tuple[AnswerValue | None, str]:
    """The canonical value, or a plain-words problem: the one check per question kind, used alike for an
    answers file and for what is typed at a prompt."""
    if value is None:
        return None, _("the answer is empty; {what}").format(what=describe(q))
    if q.kind == "integer":
        return _integer(q, value)
    if q.kind == "multi":
        if not isinstance(value, (list, tuple)):
            return None, _("should be a list, like [{example}]; {what}").format(
                example=q.choice_ids()[0], what=describe(q)
            )
        if not value:
            return None, _("pick at least one; {what}").format(what=describe(q))
        picked: list[str] = []
        for item in value:
            choice, problem = _choice(q, item)
            if choice is None:
                return None, problem
            if choice in picked:
                return None, _("{value} is listed twice; list each once").format(value=shown(choice))
            picked.append(choice)
        order = q.choice_ids()
        return tuple(sorted(picked, key=order.index)), ""
    return _choice(q, value)


# A whole number, as typed or written in a file: "4", "-1", "4 years", "4 yrs", "4 years old".
_WHOLE = re.compile(
    r"\s*([+-]?[0-9]{1,100})(?:\s*(?:years?|yrs?|y)(?:\s+old)?|\s*años?(?:\s+de\s+edad)?)?\s*", re.IGNORECASE
)  # and in Spanish: "4 años", "4 años de edad"


def _integer(q: Question, value: object) -> tuple[int | None, str]:
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and not value.strip():
        return None, _("the answer is empty; {what}").format(what=describe(q))
    elif isinstance(value, str) and len(value) <= 120 and (match := _WHOLE.fullmatch(value)):
        number = int(match.group(1))
    if number is None and isinstance(value, str) and value.strip().lstrip("+-").isdigit():  # pasted thousands of digits
        return None, _("that number is far out of range; {what}").format(what=describe(q))
    if number is None:
        return None, _("{value} is not a whole number; {what}").format(value=shown(value), what=describe(q))
    if (q.min is not None and number < q.min) or (q.max is not None and number > q.max):
        return None, _("{value} is out of range; {what}").format(value=shown(number), what=describe(q))
    return number, ""


def _choice(q: Question, value: object) -> tuple[str | None, str]:
    ids = q.choice_ids()
    if isinstance(value, str):
        key = value.strip().lower().replace("_", "-").replace(" ", "-")
        if key in ids:
            return key, ""
        return None, _("{value} is not one of: {choices}{suggestion}").format(
            value=shown(value), choices=", ".join(ids), suggestion=did_you_mean(key[:100], ids)
        )
    return None, _("{value} should be one of: {choices}").format(value=shown(value), choices=", ".join(ids))
