"""cli/private_files.py and cli/answers_file.py: owner-only, all-or-nothing writes; answers files read safely with located problems."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from parentinvolve.cli import answers_file, private_files
from parentinvolve.conditions import AnswerValue
from parentinvolve.errors import AnswersError, OutputError, UsageError

TEXT = "Your plan — with “quotes” and ünïcödé\n"


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that would make new files world-readable, so 0600 must come from the code."""
    old = os.umask(0o000)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- write_private -------------------------------------------------------------------------------


def test_write_private_makes_an_owner_only_file(tmp_path: Path, open_umask: None) -> None:
    target = tmp_path / "plan.txt"
    private_files.write_private(target, TEXT, force=False)
    assert target.read_text(encoding="utf-8") == TEXT
    assert mode(target) == 0o600
    assert listing(tmp_path) == ["plan.txt"]


def test_write_private_keeps_newlines_as_given(tmp_path: Path) -> None:
    target = tmp_path / "plan.txt"
    private_files.write_private(target, "a\nb\n", force=False)
    assert target.read_bytes() == b"a\nb\n"


def test_write_private_refuses_to_clobber(tmp_path: Path) -> None:
    target = tmp_path / "plan.txt"
    target.write_text("my own notes\n")
    with pytest.raises(UsageError) as info:
        private_files.write_private(target, TEXT, force=False)
    assert info.value.exit_code == 2
    assert "already exists" in info.value.message and "--force" in info.value.message
    assert target.read_text() == "my own notes\n"
    assert listing(tmp_path) == ["plan.txt"]


def test_write_private_with_force_replaces_and_tightens_the_mode(tmp_path: Path, open_umask: None) -> None:
    target = tmp_path / "plan.txt"
    target.write_text("old\n")
    target.chmod(0o644)
    private_files.write_private(target, TEXT, force=True)
    assert target.read_text(encoding="utf-8") == TEXT
    assert mode(target) == 0o600
    assert listing(tmp_path) == ["plan.txt"]


def _enospc(*args: Any, **kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("force", [False, True])
def test_a_full_disk_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, force: bool) -> None:
    monkeypatch.setattr(os, "fsync", _enospc)
    target = tmp_path / "plan.txt"
    with pytest.raises(OutputError) as info:
        private_files.write_private(target, TEXT, force=force)
    assert "no space left" in info.value.message
    assert "Nothing was written" in info.value.message
    assert info.value.exit_code == 1
    assert listing(tmp_path) == []


def test_a_failed_write_leaves_the_old_file_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "plan.txt"
    target.write_text("old plan\n")
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, fh: Any) -> None:
            self.fh = fh

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()

        def fileno(self) -> int:
            return int(self.fh.fileno())

        def write(self, text: str) -> int:
            self.fh.write(text[:10])  # part of it gets out, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda *a, **k: FullDisk(real_fdopen(*a, **k)))
    with pytest.raises(OutputError):
        private_files.write_private(target, TEXT * 100, force=True)
    assert target.read_text() == "old plan\n"
    assert listing(tmp_path) == ["plan.txt"]


def test_without_hard_links_it_still_writes_and_never_clobbers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(src: str, dst: Any) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "plan.txt"
    private_files.write_private(target, TEXT, force=False)
    assert target.read_text(encoding="utf-8") == TEXT
    assert mode(target) == 0o600
    with pytest.raises(UsageError):
        private_files.write_private(target, "other\n", force=False)
    assert target.read_text(encoding="utf-8") == TEXT
    assert listing(tmp_path) == ["plan.txt"]


def test_a_file_that_appears_meanwhile_is_not_clobbered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Between the early check and the write, someone else creates the file: it must survive."""
    target = tmp_path / "plan.txt"
    private_files.check_target(target, force=False, what="output")  # fine now
    target.write_text("theirs\n")
    with pytest.raises(UsageError):
        private_files.write_private(target, TEXT, force=False)
    assert target.read_text() == "theirs\n"


def test_check_target_refuses_folders_and_missing_folders(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a folder"):
        private_files.check_target(tmp_path, force=True, what="output")
    with pytest.raises(UsageError, match="does not exist"):
        private_files.check_target(tmp_path / "nope" / "plan.txt", force=False, what="output")
    (tmp_path / "plan.txt").write_text("x")
    with pytest.raises(UsageError, match=r"plan\.txt is not a folder"):
        private_files.check_target(tmp_path / "plan.txt" / "plan.html", force=True, what="output")
    with pytest.raises(UsageError, match="already exists"):
        private_files.check_target(tmp_path / "plan.txt", force=False, what="output")
    private_files.check_target(tmp_path / "plan.txt", force=True, what="output")


# --- read_answers --------------------------------------------------------------------------------


def write_bytes(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


EXPECTED = {"child_age": 4, "concerns": ["behavior"], "therapy": "pcit"}


def test_bom_and_crlf_yaml_is_accepted(tmp_path: Path) -> None:
    text = "child_age: 4\r\nconcerns: [behavior]\r\ntherapy: pcit\r\n"
    path = write_bytes(tmp_path, "a.yaml", b"\xef\xbb\xbf" + text.encode())
    assert answers_file.read_answers(path) == EXPECTED


def test_bom_and_crlf_json_is_accepted(tmp_path: Path) -> None:
    text = '{\r\n"child_age": 4,\r\n"concerns": ["behavior"],\r\n"therapy": "pcit"\r\n}\r\n'
    path = write_bytes(tmp_path, "a.json", b"\xef\xbb\xbf" + text.encode())
    assert answers_file.read_answers(path) == EXPECTED


def test_more_than_a_mebibyte_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_parse(*args: Any) -> None:
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(answers_file, "parse_yaml", must_not_parse)
    monkeypatch.setattr(answers_file, "parse_json", must_not_parse)
    body = b"child_age: 4\n" + b"#" * answers_file.MAX_ANSWERS_BYTES
    path = write_bytes(tmp_path, "big.yaml", body)
    with pytest.raises(AnswersError) as info:
        answers_file.read_answers(path)
    assert "too big" in str(info.value.lines())
    assert info.value.exit_code == 2


def test_exactly_the_limit_is_still_read(tmp_path: Path) -> None:
    head = b"child_age: 4\nconcerns: [behavior]\ntherapy: pcit\n#"
    path = write_bytes(tmp_path, "a.yaml", head + b"x" * (answers_file.MAX_ANSWERS_BYTES - len(head)))
    assert path.stat().st_size == answers_file.MAX_ANSWERS_BYTES
    assert answers_file.read_answers(path) == EXPECTED


def test_broken_json_is_reported_with_line_and_column(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "a.json", b'{"child_age": 4,\n "concerns": [behavior]}\n')
    with pytest.raises(AnswersError) as info:
        answers_file.read_answers(path)
    (line,) = info.value.lines()
    assert f"{path}:2:15: invalid JSON" in line


def test_broken_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "a.yaml", b"child_age: 4\nconcerns: [behavior\ntherapy: pcit\n")
    with pytest.raises(AnswersError) as info:
        answers_file.read_answers(path)
    assert any(f"{path}:" in line for line in info.value.lines())


def test_missing_file_and_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(AnswersError, match="no such file"):
        answers_file.read_answers(tmp_path / "nope.yaml")
    path = write_bytes(tmp_path, "a.yaml", b"- 4\n- pcit\n")
    with pytest.raises(AnswersError, match="mapping"):
        answers_file.read_answers(path)


@pytest.mark.parametrize("name", ["saved.yaml", "saved.json"])
def test_answers_text_reads_back_to_the_same_answers(tmp_path: Path, name: str) -> None:
    answers: dict[str, AnswerValue] = {
        "child_age": 15,
        "concerns": ("self-harm", "anxiety"),
        "therapy": "dbt",
        "region": "uk",
    }
    path = tmp_path / name
    private_files.write_private(path, answers_file.answers_text(answers, path), force=False)
    assert answers_file.read_answers(path) == {**answers, "concerns": ["self-harm", "anxiety"]}


def test_a_yaml_flow_mapping_is_read_as_yaml(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "a.yaml", b"{child_age: 4, concerns: [behavior], therapy: pcit}\n")
    assert answers_file.read_answers(path) == EXPECTED


def test_json_indented_with_tabs_is_read_whatever_the_name(tmp_path: Path) -> None:
    text = '{\n\t"child_age": 4,\n\t"concerns": ["behavior"],\n\t"therapy": "pcit"\n}\n'
    path = write_bytes(tmp_path, "answers.txt", text.encode())
    assert answers_file.read_answers(path) == EXPECTED


def test_a_broken_flow_mapping_in_a_yaml_file_gets_a_yaml_message(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "a.yaml", b"{child_age: 4, concerns: [behavior] therapy: pcit}\n")
    with pytest.raises(AnswersError) as info:
        answers_file.read_answers(path)
    (line,) = info.value.lines()
    assert f"{path}:1:" in line and "YAML" in line


def test_an_odd_file_name_cannot_break_the_saved_answers(tmp_path: Path) -> None:
    path = tmp_path / "odd\nname\udcff.yaml"
    text = answers_file.answers_text({"child_age": 4, "concerns": ("behavior",), "therapy": "pcit"}, path)
    assert text.splitlines()[0].startswith("# parentinvolve answers.")
    assert len(text.splitlines()) == 4
    text.encode("utf-8")  # no lone surrogates


# --- round two (issue 11): only regular files are replaced or read; names fit; text is cleaned ---------


@pytest.mark.parametrize("force", [False, True])
def test_check_target_refuses_what_is_not_a_regular_file(tmp_path: Path, force: bool) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "mine.txt").write_text("keep\n")
    os.symlink("mine.txt", tmp_path / "link")
    os.symlink("loop", tmp_path / "loop")
    for name, words in (
        ("pipe", "is a named pipe (FIFO), not a regular file"),
        ("link", "is a symbolic link, not a regular file"),
        ("loop", "is a symbolic link that loops back on itself"),
    ):
        with pytest.raises(UsageError) as caught:
            private_files.check_target(tmp_path / name, force=force, what="output")
        assert words in caught.value.message and "--force" not in caught.value.message
    with pytest.raises(UsageError, match="is a device"):
        private_files.check_target(Path("/dev/null"), force=force, what="output")
    assert stat.S_ISFIFO(os.lstat(tmp_path / "pipe").st_mode)
    assert (tmp_path / "mine.txt").read_text() == "keep\n"


def test_force_rechecks_at_the_moment_of_replacing(tmp_path: Path) -> None:
    """A FIFO put in place after the check is still not replaced."""
    target = tmp_path / "plan.txt"
    os.mkfifo(target)
    with pytest.raises(UsageError, match="named pipe"):
        private_files.write_private(target, TEXT, force=True)
    assert stat.S_ISFIFO(os.lstat(target).st_mode)
    assert listing(tmp_path) == ["plan.txt"]


@pytest.mark.parametrize("length", [246, 250, 255])
@pytest.mark.parametrize("char", ["p", "é", "日"])
def test_long_names_can_be_written(tmp_path: Path, length: int, char: str) -> None:
    stem = char * ((length - 4) // len(char.encode()))
    target = tmp_path / (stem + ".txt")
    private_files.write_private(target, TEXT, force=False)
    assert target.read_text(encoding="utf-8") == TEXT
    assert listing(tmp_path) == [target.name]


def test_same_file_sees_through_spellings_and_links(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("x: 1\n")
    os.link(tmp_path / "a.yaml", tmp_path / "b.yaml")
    os.symlink("a.yaml", tmp_path / "c.yaml")
    os.symlink("d.yaml", tmp_path / "d.yaml")
    same = private_files.same_file
    assert same(tmp_path / "a.yaml", tmp_path / "." / "a.yaml")
    assert same(tmp_path / "a.yaml", tmp_path / "b.yaml")
    assert same(tmp_path / "a.yaml", tmp_path / "c.yaml")
    assert not same(tmp_path / "a.yaml", tmp_path / "new.yaml")
    assert not same(tmp_path / "a.yaml", tmp_path / "d.yaml")  # a loop: no RuntimeError


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("child_age: 5\n".encode("utf-16-le"), "UTF-16"),
        ("child_age: 5\n".encode("utf-16"), "UTF-16"),
        ("child_age: 5\n".encode("utf-32"), "UTF-16 or another encoding"),
    ],
)
def test_utf16_is_one_problem_that_says_save_as_utf8(tmp_path: Path, data: bytes, words: str) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(data)
    with pytest.raises(AnswersError) as caught:
        answers_file.read_answers(path)
    assert len(caught.value.lines()) == 1
    assert words in caught.value.message and "save the file as UTF-8" in caught.value.message


def test_special_files_are_named_and_never_waited_on(tmp_path: Path) -> None:
    from parentinvolve.kb.reader import read_text

    os.mkfifo(tmp_path / "p.yaml")
    os.symlink("l.yaml", tmp_path / "l.yaml")
    for name, words in (("p.yaml", "named pipe (FIFO)"), ("l.yaml", "loops back on itself")):
        text, problems = read_text(tmp_path / name, name, max_bytes=100)
        assert text is None and words in problems[0].message
    text, problems = read_text(Path("/dev/zero"), "zero", max_bytes=100)
    assert text is None and "not a regular file" in problems[0].message


@pytest.mark.parametrize(
    ("raw", "value"),
    [("-0x10", -16), ("0x1F", 31), ("+0b101", 5), ("017", 15), ("1:30", 90), ("-1_000", -1000), ("0", 0)],
)
def test_yaml_integers_are_read_as_yaml_reads_them(raw: str, value: int) -> None:
    from parentinvolve.kb.reader import Map, Scalar, parse_yaml

    node, problems = parse_yaml(f"n: {raw}\n", "x.yaml")
    assert problems == [] and isinstance(node, Map)
    scalar = node.items["n"]
    assert isinstance(scalar, Scalar) and (scalar.kind, scalar.value) == ("int", value)


@pytest.mark.parametrize("raw", ["0x" + "f" * 5000, "9" * 5000, "-0b" + "1" * 100])
def test_numbers_too_long_are_a_located_problem(raw: str) -> None:
    from parentinvolve.kb.reader import parse_yaml

    _, problems = parse_yaml(f"a: 1\nn: {raw}\n", "x.yaml")
    assert [(p.line, p.col) for p in problems] == [(2, 4)]
    assert "this number is too long" in problems[0].message


def test_a_flow_bomb_is_refused_before_it_is_built() -> None:
    import time

    from parentinvolve.kb.reader import MAX_NODES, parse_yaml

    start = time.process_time()
    node, problems = parse_yaml("[" + "1," * 8_000_000 + "1]\n", "x.yaml")
    assert node is None and f"more than {MAX_NODES:,} values" in problems[0].message
    assert time.process_time() - start < 3


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u2066", "\ufeff", "\u200f"])
def test_invisible_characters_are_located_problems(char: str) -> None:
    from parentinvolve.kb.reader import parse_yaml

    _, problems = parse_yaml(f"a: ok\nb: call 911{char}119\n", "x.yaml")
    assert [(p.line, p.col) for p in problems] == [(2, 12)]
    assert f"U+{ord(char):04X}" in problems[0].message


def test_terminal_cleaning() -> None:
    from parentinvolve.cli.terminal import clean_stdout, shown, strip, visible

    assert (
        strip("call 911\u202e119\u202c \x1b[2Jnow\x1b]8;;http://x\x07here\x1b]8;;\x07\x9b\r") == "call 911119 nowhere"
    )
    assert strip("tab\tand\nnewline") == "tab\tand\nnewline"
    assert visible("a\x1bb\nc\u202e") == "a\\x1bb\\x0ac\\u202e"
    assert shown("plan.txt") == "plan.txt" and shown("out/plan-1.md") == "out/plan-1.md"
    assert shown("my plan.txt") == "'my plan.txt'"
    assert shown("p\x1b[2J\n.txt") == "'p\\x1b[2J\\n.txt'"
    assert shown("x\u202etxt.exe") == "'x\\u202etxt.exe'"
    import io
    import sys

    buffer = io.StringIO()
    real, sys.stdout = sys.stdout, buffer
    try:
        clean_stdout(keep_colour=True).write("\x1b[1mbold\x1b[0m \x1b[2J\u202eend")
    finally:
        sys.stdout = real
    assert buffer.getvalue() == "\x1b[1mbold\x1b[0m end"


@pytest.mark.parametrize(
    "text",
    [
        "1986. A good year.",
        "+ x",
        "- y",
        "---",
        "===",
        "# heading",
        "> quote",
        "```",
        "~~~",
        "1) one",
        "first\n# heading\n- item\n    code\n```",
        "&copy; &amp; &#169;",
        "<b>bold</b>",
    ],
)
def test_markdown_text_never_makes_a_block(text: str) -> None:
    from parentinvolve.render.markdown import esc

    out = esc(text)
    assert "\n" not in out
    assert not out.startswith(("1986.", "+", "-", "=", "#", ">", "`", "~", "1)", "    ", "&", "<"))
    assert "&copy;" not in out.replace("\\&copy;", "") and "<b>" not in out
