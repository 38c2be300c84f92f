"""The fast path for flat answers files must read exactly what PyYAML reads, or step aside."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from parentinvolve.flatyaml import parse_flat
from parentinvolve.yamlsrc import Map, Node, Scalar, Seq, parse_yaml


def shape(node: Node | None) -> object:
    """Value and YAML type of every scalar, so `5` and `"5"` (or `no` and `"no"`) never compare equal."""
    if isinstance(node, Map):
        return {k: shape(v) for k, v in node.items.items()}
    if isinstance(node, Seq):
        return [shape(v) for v in node.items]
    assert isinstance(node, Scalar)
    return (node.kind, node.value)


WORDS = st.sampled_from(
    [
        "pcit",
        "self-harm",
        "cbt",
        "unsure",
        "uk",
        "no",
        "yes",
        "on",
        "off",
        "y",
        "n",
        "null",
        "true",
        "False",
        "Yes",
        "NO",
        "tf-cbt",
        "a-",
        "x1",
        "inf",
        "nan",
        "Infinity",
    ]
)
NUMBERS = st.integers(-20, 10**6).map(str) | st.sampled_from(["007", "0", "-0", "1_000", "0x1f", "1e3", "4.5", "+3"])
QUOTED = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=8).map(lambda s: f'"{s}"') | st.text(
    st.characters(min_codepoint=32, max_codepoint=126), max_size=8
).map(lambda s: f"'{s}'")
SCALARS = WORDS | NUMBERS | QUOTED
VALUES = SCALARS | st.lists(SCALARS, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]")
KEYS = st.sampled_from(["child_age", "concerns", "therapy", "stage", "region", "no", "on", "x"])
NOISE = st.sampled_from(
    ["", " ", "  # note", "#x", " #", "\t#t", "\t", ",", "]", "[", ":", " &a", " *a", " !!str", "\\", "#"]
)
LINES = st.tuples(KEYS, VALUES, NOISE).map(lambda t: f"{t[0]}: {t[1]}{t[2]}") | st.sampled_from(
    ["", "# a comment", "---", "  indented: 1", "- item", "key:value", "key:  \t pcit"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(LINES, min_size=1, max_size=6), st.sampled_from(["\n", "\r\n"]))
def test_the_flat_reader_agrees_with_pyyaml_or_steps_aside(lines: list[str], newline: str) -> None:
    text = newline.join(lines) + newline
    flat = parse_flat(text, "a.yaml")
    if flat is None:
        return
    full, problems = parse_yaml(text, "a.yaml")
    assert not problems, (text, problems)
    assert shape(flat) == shape(full), text


def test_what_save_writes_takes_the_fast_path() -> None:
    text = '# parentinvolve answers\nchild_age: 15\nconcerns: ["self-harm", "anxiety"]\ntherapy: "dbt"\n'
    flat = parse_flat(text, "a.yaml")
    assert flat is not None
    assert shape(flat) == shape(parse_yaml(text, "a.yaml")[0])


def test_words_yaml_reads_as_something_else_go_to_pyyaml() -> None:
    for value in ("no", "yes", "on", "null", "007", "4.5", "1e3", "[a, b,]", "!!python/object/apply:os.system"):
        assert parse_flat(f"therapy: {value}\n", "a.yaml") is None, value
    assert parse_flat("therapy: pcit\ntherapy: cbt\n", "a.yaml") is None  # duplicates: PyYAML locates both
