"""The questions as one form, and a posted form back into answers (pure; no Starlette here).

The same questions, help and choices as `ask` (from `kb.questions`); the same per-kind check
(`answers.check_value`) and the same words beside each field, then `answers.normalise` as for an answers
file. As with the menus on a terminal, a list left empty is told "pick", not the choices' ids. Fields the page never sends (an unknown name, one answer given twice) are a bad request, not a
message for the parent: `BadForm` names the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape

from parentinvolve.answers import check_value, normalise
from parentinvolve.conditions import AnswerValue
from parentinvolve.errors import AnswersError
from parentinvolve.i18n import _
from parentinvolve.model import KnowledgeBase, Question

ACTIONS = ("save",)  # button names the plan page's forms may add to the answers


class BadForm(Exception):
    """A request no page of ours sends: answered with a page in plain words and `status`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def sentence(problem: str) -> str:
    """A problem as a sentence, as the prompts show it."""
    return problem[:1].upper() + problem[1:].rstrip(".") + "."


def read(kb: KnowledgeBase, fields: Sequence[tuple[str, str]]) -> tuple[dict[str, AnswerValue], dict[str, str]]:
    """The answers in canonical form, or the problem with each field that needs fixing (question id -> words)."""
    questions = {q.id: q for q in kb.questions}
    raw: dict[str, object] = {}
    for name, value in fields:
        q = questions.get(name)
        if q is None:
            if name in ACTIONS:
                continue
            raise BadForm(400, _("The form sent a field this page does not ask for: {field}.").format(field=name[:40]))
        if q.kind == "multi":
            picked = raw.setdefault(name, [])
            assert isinstance(picked, list)
            if len(picked) > len(q.choices):  # the same choice sent many times over: nothing to check
                raise BadForm(400, _("The form sent {field} more than once.").format(field=name))
            picked.append(value)
        elif name in raw:
            raise BadForm(400, _("The form sent {field} more than once.").format(field=name))
        else:
            raw[name] = value
    problems: dict[str, str] = {}
    for q in kb.questions:
        given = raw.get(q.id)
        if given is None and q.kind == "multi":
            given = []
        if given is None and q.default is not None:
            continue  # as in an answers file: the default
        if given in (None, []) and q.choices:  # as the menus say it: the choices are on the page, not their ids
            problems[q.id] = _("Pick at least one.") if q.kind == "multi" else _("Pick one.")
            continue
        _value, problem = check_value(q, given)
        if problem:
            problems[q.id] = sentence(problem)
    if problems:
        return {}, problems
    try:
        return normalise(kb, raw, source="form"), {}
    except AnswersError as exc:  # not expected after the checks above; shown at the top all the same
        return {}, {"": sentence("; ".join(exc.problems))}


def fields_of(answers: Mapping[str, object]) -> list[tuple[str, str]]:
    """Answers back into the form's fields (for hidden inputs and for filling the form again)."""
    out: list[tuple[str, str]] = []
    for name, value in answers.items():
        for item in value if isinstance(value, (list, tuple)) else (value,):
            out.append((name, str(item)))
    return out


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def hidden(answers: Mapping[str, object]) -> str:
    """The answers as hidden fields (control characters, which no answer holds, made U+FFFD as HTML would)."""
    return "".join(
        f'<input type="hidden" name="{escape(n)}" value="{escape(_CONTROL.sub(chr(0xFFFD), v))}">'
        for n, v in fields_of(answers)
    )


def render(kb: KnowledgeBase, given: Sequence[tuple[str, str]], problems: Mapping[str, str], action: str) -> str:
    """The form: an error summary first when there are problems (GOV.UK), then each question."""
    out: list[str] = []
    if problems:
        items = "".join(
            f'<li><a href="#{_first_id(kb, qid)}">{escape(words)}</a></li>' for qid, words in problems.items()
        )
        out.append(
            '<div class="error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1">'
            f'<h2 id="error-summary-title">{escape(_("There is a problem"))}</h2><ul>{items}</ul></div>'
        )
    out.append(f'<form method="post" action="{escape(action)}" novalidate>')
    for q in kb.questions:
        values = [v for n, v in given if n == q.id]
        out.append(_question(q, values, problems.get(q.id, "")))
    out.append(f'<button type="submit" class="button">{escape(_("Show my plan"))}</button></form>')
    return "\n".join(out)


def _first_id(kb: KnowledgeBase, qid: str) -> str:
    q = next((q for q in kb.questions if q.id == qid), None)
    if q is None:
        return "main"
    return q.id if q.kind == "integer" else f"{q.id}-1"


def _question(q: Question, values: list[str], problem: str) -> str:
    hint = f'<p class="hint" id="{q.id}-hint">{escape(q.help)}</p>' if q.help else ""
    error = (
        f'<p class="error-message" id="{q.id}-error"><span class="visually-hidden">{escape(_("Error:"))}</span> '
        f"{escape(problem)}</p>"
        if problem
        else ""
    )
    described = " ".join(x for x, on in ((f"{q.id}-hint", q.help), (f"{q.id}-error", problem)) if on)
    group = "group group-error" if problem else "group"
    if q.kind == "integer":
        value = escape(_CONTROL.sub(chr(0xFFFD), values[0])) if values else ""
        return (
            f'<div class="{group}"><h2 class="label-wrapper"><label class="label" for="{q.id}">{escape(q.prompt)}'
            f"</label></h2>{hint}{error}"
            f'<input class="input width-3" id="{q.id}" name="{q.id}" type="text" inputmode="numeric" '
            f'spellcheck="false" autocomplete="off" aria-describedby="{described}" value="{value}"></div>'
        )
    several = q.kind == "multi"
    chosen = set(values) if values else ({q.default} if q.default else set())
    kind = "checkbox" if several else "radio"
    choices = "".join(
        f'<div class="choice"><input id="{q.id}-{n}" name="{q.id}" type="{kind}" value="{escape(c.id)}"'
        + (" checked" if c.id in chosen else "")
        + f'><label for="{q.id}-{n}">{escape(c.label)}</label></div>'
        for n, c in enumerate(q.choices, 1)
    )
    return (
        f'<div class="{group}"><fieldset class="fieldset" aria-describedby="{described}">'
        f'<legend><h2 class="legend">{escape(q.prompt)}</h2></legend>{hint}{error}'
        f'<div class="choices">{choices}</div></fieldset></div>'
    )
