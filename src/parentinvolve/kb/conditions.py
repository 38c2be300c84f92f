"""Read a `when:` condition from YAML, checking every question, choice and number as it goes."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from parentinvolve.conditions import All, AnyOf, Condition, Includes, InRange, Is, Not
from parentinvolve.i18n import _
from parentinvolve.kb.fields import Reader
from parentinvolve.kb.reader import Map, Node, Scalar, Seq, kind_of
from parentinvolve.model import Question
from parentinvolve.text.didyoumean import did_you_mean

COMBINATORS = ("all", "any", "not")


def parse_condition(
    node: Node, questions: Mapping[str, Question], reader: Reader, later: Collection[str] = ()
) -> Condition | None:
    """A condition, or None after reporting what is wrong with it.

    `later` names questions that exist but cannot be used here (a question's `when` may only look at the
    questions asked before it)."""
    if not isinstance(node, Map) or not node.items:
        reader.error(
            node.loc, _("a condition should be a mapping like {{therapy: pcit}}, not {kind}").format(kind=kind_of(node))
        )
        return None
    parts: list[Condition] = []
    for key, value in node.items.items():
        part = _parse_key(key, value, node, questions, reader, later)
        if part is not None:
            parts.append(part)
    if len(parts) != len(node.items):
        return None
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def _parse_key(
    key: str, value: Node, node: Map, questions: Mapping[str, Question], reader: Reader, later: Collection[str]
) -> Condition | None:
    if key in ("all", "any"):
        items = reader.items(value, f"`{key}`")
        if isinstance(value, Seq) and not items:
            reader.error(value.loc, _("`{key}` needs at least one condition").format(key=key))
        subs = [parse_condition(item, questions, reader, later) for item in items]
        if not items or any(s is None for s in subs):
            return None
        done = tuple(s for s in subs if s is not None)
        return All(done) if key == "all" else AnyOf(done)
    if key == "not":
        sub = parse_condition(value, questions, reader, later)
        return Not(sub) if sub is not None else None
    question = questions.get(key)
    if question is None and key in later:
        reader.error(
            node.keys[key],
            _("question {key} is asked later; a question's `when` can only use the questions before it").format(
                key=repr(key)
            ),
        )
        return None
    if question is None:
        reader.error(
            node.keys[key],
            _("unknown question {key} in condition{suggestion}").format(
                key=repr(key), suggestion=did_you_mean(key, [*questions, *COMBINATORS])
            ),
        )
        return None
    if question.kind == "multi":
        return _parse_includes(question, value, reader)
    if question.kind == "integer":
        return _parse_number(question, value, reader)
    return _parse_choice(question, value, reader)


def _choice(question: Question, node: Node, reader: Reader) -> str | None:
    if not isinstance(node, Scalar) or node.kind != "str":
        reader.error(
            node.loc,
            _("{id} takes a choice id ({names}), not {kind}").format(
                id=question.id, names=", ".join(question.choice_ids()), kind=kind_of(node)
            ),
        )
        return None
    value = str(node.value)
    if value not in question.choice_ids():
        reader.error(
            node.loc,
            _("{value} is not a choice of {id}{suggestion}").format(
                value=repr(value), id=question.id, suggestion=did_you_mean(value, question.choice_ids())
            ),
        )
        return None
    return value


def _parse_choice(question: Question, value: Node, reader: Reader) -> Condition | None:
    if isinstance(value, Map):
        reader.error(
            value.loc, _("{id} is a single choice: write a choice id or a list of them").format(id=question.id)
        )
        return None
    nodes = value.items if isinstance(value, Seq) else (value,)
    if not nodes:
        reader.error(value.loc, _("{id}: the list of choices is empty").format(id=question.id))
        return None
    found = [_choice(question, n, reader) for n in nodes]
    if any(f is None for f in found):
        return None
    return Is(question.id, frozenset(f for f in found if f is not None))


def _parse_includes(question: Question, value: Node, reader: Reader) -> Condition | None:
    if not isinstance(value, Map) or set(value.items) != {"includes"}:
        reader.error(
            value.loc,
            _("{id} allows several answers: write {{includes: CHOICE}} or {{includes: [A, B]}}").format(id=question.id),
        )
        return None
    inner = value.items["includes"]
    nodes = inner.items if isinstance(inner, Seq) else (inner,)
    found = [_choice(question, n, reader) for n in nodes]
    if not nodes or any(f is None for f in found):
        if not nodes:
            reader.error(inner.loc, _("{id}: `includes` needs at least one choice").format(id=question.id))
        return None
    return Includes(question.id, frozenset(f for f in found if f is not None))


def _parse_number(question: Question, value: Node, reader: Reader) -> Condition | None:
    if isinstance(value, Map):
        for key, loc in value.keys.items():
            if key not in ("min", "max"):
                reader.error(loc, _("unknown key {key} in a number range: use min and max").format(key=repr(key)))
                return None
        low = reader.integer(value.items.get("min"), f"{question.id} min")
        high = reader.integer(value.items.get("max"), f"{question.id} max")
        if len(value.items) != (low is not None) + (high is not None):
            return None  # a wrong min or max, reported already: no half a range
        if low is None and high is None:
            reader.error(value.loc, _("{id}: a range needs min, max or both, as whole numbers").format(id=question.id))
            return None
        if low is not None and high is not None and low > high:
            reader.error(
                value.loc, _("{id}: min {low} is larger than max {high}").format(id=question.id, low=low, high=high)
            )
            return None
        return InRange(question.id, low, high)
    nodes = value.items if isinstance(value, Seq) else (value,)
    if not nodes:  # never "no condition", which would hold for every family
        reader.error(value.loc, _("{id}: the list of choices is empty").format(id=question.id))
        return None
    numbers = [reader.integer(n, question.id) for n in nodes]
    if any(n is None for n in numbers):
        return None
    return Is(question.id, frozenset(n for n in numbers if n is not None))
