"""Property tests: whatever comes in, the result is a plan, a knowledge base, or the project's own located
error; never another exception."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CONTENT
from parentinvolve.answers import normalise
from parentinvolve.cli.answers_file import MAX_ANSWERS_BYTES, read_answers
from parentinvolve.engine import Plan, plan
from parentinvolve.errors import AnswersError, Problem
from parentinvolve.kb import build as loader
from parentinvolve.kb.reader import Map, Scalar, Seq, parse_json, parse_yaml, to_plain
from parentinvolve.model import KnowledgeBase

FAST = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", 150)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SLOW = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", 80)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# --- strategies ------------------------------------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-2, max_value=20)
    | st.floats()
    | st.text(max_size=12)
    | st.text(st.characters(codec="utf-8"), max_size=6)
    | st.sampled_from(["cbt", "pcit", "PCIT", "play therapy", "tf_cbt", "unsure", "anxiety", "self-harm", "us"])
    | st.sampled_from(["starting", "ongoing", "7", " 7 ", "٧", "1_0", "0x10", "", "\x1b[2J", "[/oops]", "\ud800"])
    | st.sampled_from(["5" * 5000, 10**1000, -(10**50), float("nan"), float("inf")])
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.tuples(inner, inner) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)


@st.composite
def answer_mappings(draw: st.DrawFn, kb: KnowledgeBase) -> dict[object, object]:
    ids = [q.id for q in kb.questions]
    keys = st.sampled_from(ids) | st.text(max_size=10) | st.integers() | st.none() | st.booleans()
    raw: dict[object, object] = draw(st.dictionaries(keys, values, max_size=7))
    # Often start from good answers, so that the planning itself runs, not only the checks.
    if draw(st.booleans()):
        good: dict[object, object] = {
            "child_age": draw(st.integers(0, 17)),
            "concerns": draw(st.lists(st.sampled_from(kb.question("concerns").choice_ids()), min_size=1, unique=True)),
            "therapy": draw(st.sampled_from(kb.question("therapy").choice_ids())),
        }
        if draw(st.booleans()):
            good["region"] = draw(st.sampled_from(kb.question("region").choice_ids()))
        good.update(draw(st.dictionaries(st.sampled_from(ids), values, max_size=2)))
        raw = good
    return raw


YAML_TOKENS = [
    "key", "id", "name", "- ", "-", ": ", ":", " ", "  ", "\n", "\n  ", "\n- ", "[", "]", "{", "}", ",", "'", '"',
    "#", "&a ", "*a", "&b ", "*b", "!!python/object/apply:os.system ", "!!str ", "!x ", "|", ">-", "? ", "<< ",
    "%YAML 1.1\n", "---\n", "...\n", "\t", "no", "yes", "1.10", "2024-01-01", "~", "null", "\x1b[2J", "\ufeff", "\x00",
    "\\", "\\e", "\r\n", "é", "😀", "0x1F", "1e5", ".inf", "[/oops]", "\ud800", "\x85", "\u2028", "\ufffe",
    "9" * 4400, "[" * 70, "- " * 70,
]  # fmt: skip
yaml_texts = st.one_of(
    st.text(max_size=200),
    st.text(st.characters(codec=None, exclude_categories=[]), max_size=50),  # surrogates and all
    st.lists(st.sampled_from(YAML_TOKENS), max_size=60).map("".join),
)


def assert_located(problems: list[Problem]) -> None:
    for p in problems:
        assert isinstance(p, Problem)
        assert p.line >= 1 and p.col >= 1, p
        assert p.message and "\n" not in p.message, p
        assert str(p).startswith(f"{p.path}:{p.line}:{p.col}: ")


# --- the engine: any answers mapping ----------------------------------------------------------------------------


@pytest.mark.slow  # many generated cases: the deep layer, not the fast one
@FAST
@given(data=st.data())
def test_any_answers_give_a_plan_or_an_answers_error(kb: KnowledgeBase, data: st.DataObject) -> None:
    raw = data.draw(answer_mappings(kb))
    try:
        result = plan(kb, raw)
    except AnswersError as exc:
        assert exc.problems and exc.exit_code == 2
        for line in exc.lines():
            assert line and "\n" not in line and len(line) < 1000, line
        return
    assert isinstance(result, Plan)
    assert normalise(kb, dict(result.answers)) == dict(result.answers), "a plan's answers are valid answers"


@pytest.mark.slow  # many generated cases: the deep layer, not the fast one
@FAST
@given(data=st.data())
def test_partial_answers_never_crash(kb: KnowledgeBase, data: st.DataObject) -> None:
    raw = data.draw(answer_mappings(kb))
    try:
        out = normalise(kb, raw, partial=True)
    except AnswersError:
        return
    assert set(out) <= {q.id for q in kb.questions}


# --- answers files: any bytes --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


@FAST
@given(
    body=st.binary(max_size=300) | yaml_texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
    suffix=st.sampled_from([".yaml", ".json", ".txt"]),
)
def test_any_answers_file_gives_answers_or_an_answers_error(
    kb: KnowledgeBase, scratch: Path, body: bytes, suffix: str
) -> None:
    path = scratch / f"answers{suffix}"
    path.write_bytes(body)
    try:
        raw = read_answers(path)
        plan(kb, raw)
    except AnswersError as exc:
        assert exc.problems
        for line in exc.lines():
            assert line and "\n" not in line, line


def test_answers_file_size_limit_is_one_mib(scratch: Path) -> None:
    path = scratch / "big.yaml"
    path.write_bytes(b"#" * (MAX_ANSWERS_BYTES + 1))
    with pytest.raises(AnswersError, match="too big"):
        read_answers(path)


# --- YAML and JSON text ----------------------------------------------------------------------------------------


@FAST
@given(text=yaml_texts)
def test_any_yaml_text_gives_nodes_or_located_problems(text: str) -> None:
    node, problems = parse_yaml(text, "x.yaml")
    assert node is not None or problems
    assert_located(problems)
    if node is not None:
        assert isinstance(node, (Map, Seq, Scalar))


@FAST
@given(text=yaml_texts | st.text(alphabet='{}[]":,0123456789.eE-+ \n\ttruefalsn\\u', max_size=80))
def test_any_json_text_gives_nodes_or_located_problems(text: str) -> None:
    node, problems = parse_json(text, "x.json")
    assert node is not None or problems
    assert_located(problems)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


@FAST
@given(value=json_values, indent=st.sampled_from([None, 2, "\t"]))
def test_json_is_read_by_json_rules(value: object, indent: int | str | None) -> None:
    """What `--answers x.json` reads is exactly what the JSON says (YAML would read 1e5 or "\\/" differently)."""
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    node, problems = parse_json(text, "x.json")
    assert problems == []
    assert node is not None
    got = to_plain(node)
    assert _same(got, value), (got, value)


def _same(a: object, b: object) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


# --- the loader: any text in any content file -----------------------------------------------------------------


@pytest.fixture(scope="module")
def content(scratch: Path) -> Path:
    return Path(shutil.copytree(CONTENT, scratch / "content"))


@st.composite
def mutated_files(draw: st.DrawFn) -> tuple[str, str]:
    """A content file name and new text for it: random text, or the real file with a careless edit."""
    name = draw(st.sampled_from(loader.FILES)) + ".yaml"
    original = (CONTENT / name).read_text(encoding="utf-8")
    how = draw(st.sampled_from(["replace", "delete-line", "change-line", "insert", "truncate"]))
    if how == "replace":
        return name, draw(yaml_texts)
    lines = original.splitlines(keepends=True)
    at = draw(st.integers(0, max(len(lines) - 1, 0)))
    if how == "delete-line":
        return name, "".join(lines[:at] + lines[at + 1 :])
    if how == "truncate":
        return name, original[: draw(st.integers(0, len(original)))]
    junk = draw(st.lists(st.sampled_from(YAML_TOKENS), min_size=1, max_size=6).map("".join))
    if how == "insert":
        return name, "".join([*lines[:at], junk + "\n", *lines[at:]])
    line = lines[at] if lines else ""
    cut = draw(st.integers(0, len(line)))
    return name, "".join([*lines[:at], line[:cut] + junk + line[cut:], *lines[at + 1 :]])


@pytest.mark.slow  # many generated cases: the deep layer, not the fast one
@SLOW
@given(change=mutated_files())
def test_any_content_file_gives_a_knowledge_base_or_located_problems(content: Path, change: tuple[str, str]) -> None:
    name, text = change
    path = content / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        kb, problems, _ = loader.check(content)
    finally:
        shutil.copyfile(CONTENT / name, path)
    assert (kb is None) == bool(problems)
    assert_located(problems)
    if kb is not None:
        assert isinstance(kb, KnowledgeBase)


def test_numbers_too_long_to_print_are_described_not_printed(kb: KnowledgeBase) -> None:
    """Python refuses to turn a number of more than 4300 digits into text; the message must not need to."""
    with pytest.raises(AnswersError) as caught:
        normalise(kb, {"child_age": 10**5000, "concerns": [10**5000], "therapy": "cbt"})
    assert caught.value.lines() == [
        "answers: child_age: a number with more than 40 digits is out of range; give a whole number from 0 to 17",
        "answers: concerns: a number with more than 40 digits should be one of: "
        + ", ".join(kb.question("concerns").choice_ids()),
    ]
