"""The cache of the validated knowledge base: it may only ever make things faster, never different.

Every test gets its own empty cache folder (XDG_CACHE_HOME in tmp_path): nothing is written to your home.
"""

from __future__ import annotations

import functools
import marshal
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import CONTENT, RunCli, edit
from parentinvolve.conditions import All, AnyOf, Includes, InRange, Is, Not
from parentinvolve.kb import build as loader
from parentinvolve.kb import cache
from parentinvolve.kb import load as load_kb
from parentinvolve.model import KnowledgeBase, Rule

ANSWERS = "child_age: 15\nconcerns: [depression, self-harm]\ntherapy: dbt\nstage: ongoing\nregion: uk\n"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache home for this test only, with the cache switched on."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    monkeypatch.delenv(cache.ENV_OFF, raising=False)
    return tmp_path / "cache-home" / "parentinvolve"


@pytest.fixture(scope="session")
def made_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder (secret and file) for the shipped content, written once by a real load."""
    folder = tmp_path_factory.mktemp("made-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XDG_CACHE_HOME", str(folder))
        mp.delenv(cache.ENV_OFF, raising=False)
        load_kb(CONTENT)
    return folder / "parentinvolve"


@pytest.fixture
def warm_home(home: Path, made_cache: Path) -> Path:
    """The test's cache home holding a good cache for the shipped content, as after one run (a copy: what
    the tests are about is what happens next, so they need not build it again each)."""
    shutil.copytree(made_cache, home)  # modes kept: folder 0700, files 0600
    return home


def cache_files(home: Path) -> list[Path]:
    return sorted(home.glob("kb-*.bin")) if home.is_dir() else []


def the_cache_file(home: Path) -> Path:
    files = cache_files(home)
    assert len(files) == 1, files
    return files[0]


def parts(cond: object) -> list[object]:
    """A condition and every condition inside it."""
    if isinstance(cond, (All, AnyOf)):
        return [cond, *(p for part in cond.parts for p in parts(part))]
    if isinstance(cond, Not):
        return [cond, *parts(cond.part)]
    return [] if cond is None else [cond]


@functools.cache
def from_yaml() -> KnowledgeBase:
    """The shipped content read from its YAML, without the cache (read once: a knowledge base is immutable)."""
    return loader.load(CONTENT)


def no_yaml_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make reading the YAML fail loudly, to prove that a load came from the cache."""

    def refuse(root: Path) -> KnowledgeBase:
        raise AssertionError(f"the YAML in {root} was read; the cache should have been used")

    monkeypatch.setattr(loader, "load", refuse)


# --- warm is cold ---------------------------------------------------------------------------------------------


def test_warm_load_equals_cold_load_and_the_yaml(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    truth = from_yaml()
    cold = load_kb(CONTENT)
    assert cold == truth
    the_cache_file(home)
    no_yaml_reading(monkeypatch)
    warm = load_kb(CONTENT)
    assert warm == truth
    assert warm.root == str(CONTENT)
    # Rebuilt into the real frozen classes, conditions included.
    conditions = (Is, InRange, Includes, All, AnyOf, Not)
    assert all(isinstance(r, Rule) and (r.when is None or isinstance(r.when, conditions)) for r in warm.rules)
    assert {type(c) for r in warm.rules for c in parts(r.when)} >= {Is, InRange, Includes, All, Not}
    with pytest.raises(AttributeError):
        warm.rules[0].id = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    "args",
    [
        ("explain", "pcit"),
        ("explain", "dbt", "--format", "markdown"),
        ("explain", "confidentiality", "--format", "json"),
        ("topics",),
        ("topics", "--format", "json"),
        ("ask", "--answers", "ANSWERS", "--format", "json", "--why"),
        ("ask", "--answers", "ANSWERS", "--format", "markdown", "--why"),
    ],
)
def test_warm_and_cold_output_are_identical(home: Path, tmp_path: Path, run_cli: RunCli, args: tuple[str, ...]) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    argv = [str(answers) if a == "ANSWERS" else a for a in args]
    cold = run_cli(*argv)
    assert cold.exit_code == 0 and cold.stdout
    the_cache_file(home)
    warm = run_cli(*argv)
    assert (warm.exit_code, warm.stdout, warm.stderr) == (cold.exit_code, cold.stdout, cold.stderr)


# --- what is written, and where -----------------------------------------------------------------------------


def test_cache_file_is_0600_in_a_0700_folder(home: Path) -> None:
    load_kb(CONTENT)
    path = the_cache_file(home)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE((home / cache.SECRET).stat().st_mode) == 0o600
    assert sorted(p.name for p in home.iterdir()) == sorted([path.name, cache.SECRET])  # no temporary file left


def test_the_cache_holds_content_only_never_answers(warm_home: Path, tmp_path: Path, run_cli: RunCli) -> None:
    home = warm_home
    before = {p.name: p.read_bytes() for p in home.iterdir()}
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    r = run_cli("ask", "--answers", str(answers), "--format", "json")
    assert r.exit_code == 0
    assert {p.name: p.read_bytes() for p in home.iterdir()} == before


def test_no_cache_env_var_turns_it_off(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV_OFF, "1")
    assert load_kb(CONTENT) == from_yaml()
    assert not home.exists()


def test_default_folder_is_dot_cache_in_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert cache.folder() == tmp_path / ".cache" / "parentinvolve"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/is/ignored")
    assert cache.folder() == tmp_path / ".cache" / "parentinvolve"


# --- it goes stale when it should -----------------------------------------------------------------------------


def test_editing_a_content_file_invalidates_it(home: Path, content_copy: Path, run_cli: RunCli) -> None:
    before = run_cli("--content", str(content_copy), "explain", "pcit")
    assert "earpiece" in before.stdout
    edit(content_copy / "therapies.yaml", "small earpiece", "small headset")
    after = run_cli("--content", str(content_copy), "explain", "pcit")
    assert after.exit_code == 0
    assert "earpiece" not in after.stdout
    assert "headset" in after.stdout
    assert len(cache_files(home)) == 1  # replaced, not piled up


def test_adding_or_removing_a_file_changes_the_key(content_copy: Path) -> None:
    key = cache.content_key(content_copy)
    (content_copy / "extra.yaml").write_text("- x\n", encoding="utf-8")
    assert cache.content_key(content_copy) not in (None, key)
    (content_copy / "extra.yaml").unlink()
    assert cache.content_key(content_copy) == key


def test_another_version_or_format_is_a_miss(home: Path, monkeypatch: pytest.MonkeyPatch, content_copy: Path) -> None:
    key = cache.content_key(content_copy)
    assert key is not None
    monkeypatch.setattr(cache, "__version__", "99.0")
    assert cache.content_key(content_copy) != key
    monkeypatch.undo()
    monkeypatch.setattr(cache, "FORMAT", cache.FORMAT + 1)
    assert cache.content_key(content_copy) != key


def test_a_cache_written_for_other_content_is_ignored(home: Path, content_copy: Path) -> None:
    load_kb(content_copy)
    stale = the_cache_file(home).read_bytes()
    edit(content_copy / "topics.yaml", "How involved you will be", "How much you will take part")
    the_cache_file(home).write_bytes(stale)  # the old file, still in the slot
    kb = load_kb(content_copy)
    assert kb == loader.load(content_copy)
    assert kb.find("involvement") is not None and kb.find("involvement").name == "How much you will take part"  # type: ignore[union-attr]


# --- a bad cache is ignored, never trusted, never fatal ------------------------------------------------------


def _forge(home: Path, payload: bytes, key: bytes | None = None, *, with_secret: bool = True) -> None:
    """Write a cache file with a correct header for the shipped content, so only the payload is wrong.

    `with_secret`: the checksum is keyed with this user's secret, as if the forger had it (so what is tested
    is the decoding); without it, the forger uses a key of their own, as anyone who can't read it must."""
    key = key if key is not None else cache.content_key(CONTENT)
    assert key is not None
    assert (home / cache.SECRET).is_file()  # the folder and its secret exist (warm_home)
    secret = (home / cache.SECRET).read_bytes() if with_secret else bytes(32)
    header = cache._header(key, len(payload))
    path = cache._slot(CONTENT)
    assert path is not None
    path.write_bytes(header + cache._tag(secret, header, payload) + payload)


CORRUPTIONS: dict[str, Callable[[bytes], bytes]] = {
    "empty": lambda b: b"",
    "truncated to half": lambda b: b[: len(b) // 2],
    "truncated by one byte": lambda b: b[:-1],
    "header only": lambda b: b[: len(cache.MAGIC) + 64],
    "garbage": lambda b: os.urandom(len(b)),
    "one byte flipped in the payload": lambda b: b[:-100] + bytes([b[-100] ^ 0xFF]) + b[-99:],
    "other magic": lambda b: b"x" + b[1:],
    "other key": lambda b: b[: len(cache.MAGIC)] + bytes(32) + b[len(cache.MAGIC) + 32 :],
    "text": lambda b: b"this is not a cache\n",
}


@pytest.mark.parametrize("damage", list(CORRUPTIONS), ids=list(CORRUPTIONS))
def test_a_damaged_cache_is_ignored_and_rewritten(warm_home: Path, run_cli: RunCli, damage: str) -> None:
    home = warm_home
    good = run_cli("explain", "pcit")
    path = the_cache_file(home)
    path.write_bytes(CORRUPTIONS[damage](path.read_bytes()))
    assert load_kb(CONTENT) == from_yaml()
    again = run_cli("explain", "pcit")
    assert (again.exit_code, again.stdout, again.stderr) == (good.exit_code, good.stdout, good.stderr)
    key = cache.content_key(CONTENT)
    assert key is not None and cache.load(CONTENT, key) == from_yaml()  # rewritten, good again


FORGED = {
    "not a knowledge base": marshal.dumps({"hello": 1}),
    "a record of an unknown class": marshal.dumps(["Popen", "rm -rf /"]),
    "a record with too few fields": marshal.dumps(["KnowledgeBase", "root"]),
    "a float where none belongs": marshal.dumps(("x", 1.5)),
    "bytes": marshal.dumps(b"\x00" * 10),
    "a list inside a frozenset's place": marshal.dumps(["Is", "therapy", frozenset({1.5})]),
    "marshal garbage": b"\xff\xfe\xfd",
}


@pytest.mark.parametrize("payload", list(FORGED.values()), ids=list(FORGED))
def test_a_forged_cache_with_a_valid_checksum_is_ignored(warm_home: Path, payload: bytes) -> None:
    home = warm_home
    _forge(home, payload)
    assert cache.load(CONTENT, cache.content_key(CONTENT) or b"") is None
    assert load_kb(CONTENT) == from_yaml()


MARSHAL_BOMB = b"[" + (2**31 - 1).to_bytes(4, "little")  # a list claiming two billion items: ~16 GB to allocate


@pytest.mark.parametrize(
    "payload",
    [MARSHAL_BOMB, marshal.dumps(["Entry", "\x1b[2J call 911\u202e119\u202c"]), marshal.dumps({"hello": 1})],
    ids=["marshal-bomb", "uncleaned-text", "plain-data"],
)
def test_a_cache_not_written_by_us_is_never_decoded(
    warm_home: Path, payload: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without this user's secret, a correct header and an unkeyed checksum are not enough: never decoded."""
    home = warm_home
    _forge(home, payload, with_secret=False)
    decoded: list[object] = []

    def refuse(data: object) -> object:
        decoded.append(data)  # (what it raises is swallowed: a payload that fails to decode is a miss)
        raise AssertionError("a cache file we did not write was decoded")

    monkeypatch.setattr(marshal, "loads", refuse)  # (the module cache.py reads with)
    assert cache.load(CONTENT, cache.content_key(CONTENT) or b"") is None
    assert not decoded, "a cache file we did not write was decoded"


def test_an_oversized_cache_file_is_refused_before_it_is_read(warm_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = warm_home
    path = the_cache_file(home)
    with path.open("r+b") as fh:  # sparse: huge on paper, nothing on the disk
        fh.truncate(cache.MAX_CACHE_BYTES + 1)
    key = cache.content_key(CONTENT)
    assert key is not None
    real_read = os.read

    def watched(fd: int, n: int) -> bytes:
        assert n <= cache._SECRET_BYTES + 1, f"read {n} bytes of a file that is too big"
        return real_read(fd, n)

    monkeypatch.setattr(os, "read", watched)  # (the module cache.py reads with)
    assert cache.load(CONTENT, key) is None


@pytest.mark.parametrize("what", ["fifo", "symlinked-folder", "other-secret", "open-secret", "fifo-secret"])
def test_odd_things_in_the_cache_folder_mean_no_cache_never_a_hang(
    warm_home: Path, tmp_path: Path, what: str, run_cli: RunCli
) -> None:
    home = warm_home
    slot = the_cache_file(home)
    elsewhere = tmp_path / "www"
    if what == "fifo":
        slot.unlink()
        os.mkfifo(slot)
    elif what == "symlinked-folder":  # `ln -s ~/www $XDG_CACHE_HOME/parentinvolve`: never used, never re-moded
        elsewhere.mkdir(mode=0o755)
        elsewhere.chmod(0o755)
        shutil.rmtree(home)
        home.symlink_to(elsewhere)
    elif what == "other-secret":
        (home / cache.SECRET).write_bytes(os.urandom(32))
    elif what == "open-secret":
        (home / cache.SECRET).chmod(0o644)
    else:
        (home / cache.SECRET).unlink()
        os.mkfifo(home / cache.SECRET, 0o600)
    key = cache.content_key(CONTENT)
    assert key is not None
    assert cache.load(CONTENT, key) is None
    r = run_cli("explain", "pcit")
    assert r.exit_code == 0 and "PCIT" in r.stdout
    if what == "symlinked-folder":
        assert stat.S_IMODE(elsewhere.stat().st_mode) == 0o755
        assert list(elsewhere.iterdir()) == []


def test_a_tampered_cache_cannot_run_code(warm_home: Path, tmp_path: Path) -> None:
    home = warm_home
    """marshal can carry a code object; the cache decodes plain data only and never runs anything."""
    witness = tmp_path / "ran"
    code = compile(f"open({str(witness)!r}, 'w').close()", "<tampered>", "exec")
    for payload in (marshal.dumps(code), marshal.dumps(["KnowledgeBase", code]), marshal.dumps((code,))):
        _forge(home, payload)
        assert load_kb(CONTENT) == from_yaml()
    assert not witness.exists()


# --- an unusable cache folder is ignored ----------------------------------------------------------------------


def test_cache_home_that_is_a_file_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: RunCli) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.delenv(cache.ENV_OFF, raising=False)
    r = run_cli("explain", "pcit")
    assert (r.exit_code, r.stderr) == (0, "")
    assert blocker.read_text(encoding="utf-8") == ""


def test_unwritable_cache_folder_is_ignored(home: Path, monkeypatch: pytest.MonkeyPatch, run_cli: RunCli) -> None:
    def no_space(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache, "_write_new", no_space)
    r = run_cli("explain", "pcit")
    assert (r.exit_code, r.stderr) == (0, "")
    assert cache_files(home) == []
    if os.geteuid() != 0:  # root may write anywhere: the permission check only means something for a user
        monkeypatch.undo()
        monkeypatch.setenv("XDG_CACHE_HOME", str(home.parent))
        monkeypatch.delenv(cache.ENV_OFF, raising=False)
        home.mkdir(mode=0o500, parents=True)
        try:
            assert run_cli("explain", "pcit").stdout == r.stdout
        finally:
            home.chmod(0o700)


def test_a_folder_others_can_write_is_not_trusted(warm_home: Path) -> None:
    home = warm_home
    home.chmod(0o777)
    key = cache.content_key(CONTENT)
    assert key is not None
    assert cache.load(CONTENT, key) is None  # someone else could have put that file there
    assert load_kb(CONTENT) == from_yaml()  # a miss; the folder is not ours to change
    assert stat.S_IMODE(home.stat().st_mode) == 0o777
    assert cache.load(CONTENT, key) is None


def test_a_symlinked_cache_file_is_not_followed(warm_home: Path, tmp_path: Path) -> None:
    home = warm_home
    path = the_cache_file(home)
    elsewhere = tmp_path / "elsewhere.bin"
    path.rename(elsewhere)
    path.symlink_to(elsewhere)
    key = cache.content_key(CONTENT)
    assert key is not None
    assert cache.load(CONTENT, key) is None


# --- validate reads the YAML, always ------------------------------------------------------------------------


def test_validate_never_uses_the_cache(warm_home: Path, monkeypatch: pytest.MonkeyPatch, run_cli: RunCli) -> None:

    def refuse(*args: object) -> None:
        raise AssertionError("validate used the cache")

    monkeypatch.setattr(cache, "load", refuse)
    monkeypatch.setattr(cache, "content_key", refuse)
    r = run_cli("validate")
    assert r.exit_code == 0
    assert "no problems found" in r.stdout


def test_validate_reports_broken_yaml_even_when_a_cache_claims_it_is_fine(
    home: Path, content_copy: Path, run_cli: RunCli
) -> None:
    good = load_kb(content_copy)
    edit(content_copy / "topics.yaml", "- id: involvement", "- id: involvement\n  id: again")
    key = cache.content_key(content_copy)
    assert key is not None
    cache.store(content_copy, key, good)  # a cache that vouches for the broken files
    assert load_kb(content_copy) == good  # (the other commands would trust it: the key matches)
    r = run_cli("validate", str(content_copy))
    assert r.exit_code == 1
    assert "duplicate key 'id'" in r.stdout + r.stderr


@pytest.mark.slow
@pytest.mark.parametrize("module", ["engine.py", "kb/reader.py", "kb/entries.py", "render/doc.py", "cli/prompts.py"])
def test_editing_any_module_of_the_package_changes_the_key(tmp_path: Path, module: str) -> None:
    """The key covers every module, sub-packages included: a changed loader must never meet an old cache."""
    import shutil
    import subprocess
    import sys

    package = Path(cache.__file__).resolve().parent.parent
    copy = tmp_path / "src" / "parentinvolve"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "content"))
    script = (
        "import sys; from pathlib import Path; from parentinvolve.kb import cache; "
        "sys.stdout.write(cache.content_key(Path(sys.argv[1])).hex())"
    )

    def key() -> str:
        env = {**os.environ, "PYTHONPATH": str(copy.parent)}
        done = subprocess.run([sys.executable, "-c", script, str(CONTENT)], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout

    before = key()
    assert key() == before  # stable while nothing changes
    target = copy / module
    target.write_text(target.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert key() != before


def test_equal_conditions_are_one_object_from_the_yaml_and_from_the_cache(home: Path) -> None:
    """The model's promise the engine's speed rests on, from both ways of making a knowledge base."""
    for kb in (from_yaml(), load_kb(CONTENT), load_kb(CONTENT)):  # built, then cold, then warm
        seen: dict[object, object] = {}
        for rule in kb.rules:
            if rule.when is not None:
                assert seen.setdefault(rule.when, rule.when) is rule.when, rule.id
