"""Hardening, round three (issue 20 B to I): phone links, clinic commands that never lose a file, names on the
terminal, crashes, dates, folders and permissions, what validate says, and two conventions.

Each case asserts the exit code, the one line on stderr, and that nothing was harmed (the layer's files, the
shipped content). The safety lock (A) is in test_lock.py.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import CONTENT, ROOT, RunCli
from parentinvolve.errors import OutputError
from parentinvolve.render.html import _phone
from parentinvolve.text import phone

EXAMPLE = ROOT / "examples" / "clinic"
ANSWERS = "child_age: 15\nconcerns: [self-harm]\ntherapy: dbt\nstage: starting\nregion: us\n"


def tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLE, tmp_path / "clinic"))


# --- B. phone links -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("+44 20 7946 0018", ["tel:+442079460018"]),
        ("(555) 010-0199", ["tel:5550100199"]),
        ("+1 (555) 010-0199", ["tel:+15550100199"]),
        ("1-800-HELP-NOW", []),
        ("call 555.010.0199.", ["tel:5550100199"]),
        ("0800 1111 (under 19)", ["tel:08001111"]),
        ("1800 55 1800 (ages 5–25)", ["tel:1800551800"]),
        ("112 or 999", ["tel:112", "tel:999"]),
        ("text SHOUT to 85258", ["sms:85258?&amp;body=SHOUT"]),
    ],
)
def test_a_number_is_linked_whole_and_as_dialled_or_not_at_all(text: str, links: list[str]) -> None:
    assert re.findall(r'href="([^"]+)"', _phone(text)) == links
    assert re.sub(r"<[^>]+>", "", _phone(text)) == text.replace("&", "&amp;")  # the words are left as written


DIGIT = st.sampled_from("0123456789")
SEP = st.sampled_from([" ", "-", ".", ""])


@st.composite
def numbers(draw: st.DrawFn) -> str:
    """A number as people write them: `+44 20 7946 0018`, `(555) 010-0199`, `+1 (555) 010-0199`, `116 123`."""
    text = ""
    if draw(st.booleans()):
        text = "+" + draw(st.text(DIGIT, min_size=1, max_size=3)) + draw(st.sampled_from([" ", ""]))
    if draw(st.booleans()):
        text += "(" + draw(st.text(DIGIT, min_size=2, max_size=4)) + ") "
    groups = draw(st.lists(st.text(DIGIT, min_size=2, max_size=4), min_size=2, max_size=4))
    return text + groups[0] + "".join(draw(SEP) + g for g in groups[1:])


@settings(max_examples=300, deadline=None)
@given(
    number=numbers(),
    before=st.sampled_from(["", "Call ", "Our line: ", "call or text "]),
    after=st.sampled_from(["", ".", " (24 hours)", ", any time"]),
)
def test_a_linked_number_dials_exactly_the_digits_written(number: str, before: str, after: str) -> None:
    page = _phone(before + number + after)
    dialled = [href for href in re.findall(r'href="(?:tel|sms):([^"?]+)', page)]
    assert len(dialled) <= 1 or before.startswith("call or text")
    for target in dialled:
        assert target == ("+" if number.startswith("+") else "") + re.sub(r"\D", "", number)  # `+` kept, every digit
    assert re.sub(r"<[^>]+>", "", page) == before + number + after


@settings(max_examples=200, deadline=None)
@given(word=st.text("ABCDEFGHJKLMNPRSTUVWXYZ", min_size=2, max_size=6), digits=st.text(DIGIT, min_size=1, max_size=4))
def test_a_number_with_letters_is_never_linked_and_validate_questions_it(word: str, digits: str) -> None:
    vanity = f"1-800-{digits}-{word}"
    assert "tel:" not in _phone(vanity) and phone.questionable(vanity)


def test_validate_questions_letters_in_a_clinic_number_and_links_its_contacts(
    run_cli: RunCli, clinic: Path, tmp_path: Path
) -> None:
    path = clinic / "clinic.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("contact: 555-0199", "contact: 1-800-HELP-NOW"), "utf-8")
    r = run_cli("validate", "--clinic", str(clinic))
    assert r.exit_code == 0
    assert "has letters among its digits, so it cannot be dialled from a link" in r.stderr
    answers = tmp_path / "a.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    page = run_cli("ask", "--clinic", str(EXAMPLE), "--answers", str(answers), "--format", "html").stdout
    assert 'Front desk (weekdays 9–5): <a href="tel:5550142">555-0142</a>' in page  # a clinic's contact, linked


# --- C. clinic commands never lose a file -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["crisis", "suicide", "safety plan"])
def test_override_of_crisis_help_is_a_clear_refusal(run_cli: RunCli, clinic: Path, name: str) -> None:
    before = tree(clinic)
    r = run_cli("clinic", "override", name, "--clinic", str(clinic))
    assert r.exit_code == 2 and r.stdout == ""
    assert one_line(r.stderr).startswith("parentinvolve: Crisis help cannot be copied into a clinic's layer")
    assert tree(clinic) == before


def test_override_on_a_full_disk_leaves_the_old_file_whole(
    run_cli: RunCli, clinic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tree(clinic)
    real_fsync = os.fsync

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    r = run_cli("clinic", "override", "dbt", "--clinic", str(clinic))
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert r.exit_code == 1
    assert one_line(r.stderr) == (
        f"parentinvolve: Could not write {clinic / 'therapies.yaml'}: no space left on the disk. "
        "The file was left as it was."
    )
    assert tree(clinic) == before and sorted(os.listdir(clinic)) == sorted(
        {p.split("/")[0] for p in before}
    )  # no temporary file either


def test_override_never_writes_through_a_link(run_cli: RunCli, clinic: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("# not the clinic's\n", encoding="utf-8")
    (clinic / "therapies.yaml").unlink()
    (clinic / "therapies.yaml").symlink_to(outside)
    r = run_cli("clinic", "override", "dbt", "--clinic", str(clinic))
    assert r.exit_code == 2
    assert "is a symbolic link, not a regular file; it was left untouched." in one_line(r.stderr)
    assert outside.read_text(encoding="utf-8") == "# not the clinic's\n" and (clinic / "therapies.yaml").is_symlink()


def test_init_that_fails_leaves_nothing_behind(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parentinvolve.cli import private_files

    real = private_files.replace_file
    calls: list[Path] = []

    def fail_second(path: Path, text: str) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OutputError(private_files._could_not(path, OSError(errno.ENOSPC, "full")))
        real(path, text)

    monkeypatch.setattr(private_files, "replace_file", fail_second)
    r = run_cli("clinic", "init", str(tmp_path / "new"))
    assert r.exit_code == 1 and "no space left on the disk" in one_line(r.stderr)
    assert not (tmp_path / "new").exists()  # neither a 0-byte clinic.yaml nor the folder: init can run again


@pytest.mark.slow
def test_ten_overrides_at_once_keep_every_entry(clinic: Path) -> None:
    ids = ["cbt", "dbt", "family", "play", "space", "tf-cbt", "consent", "intake", "weekly", "records"]
    env = {**os.environ, "PARENTINVOLVE_NO_CACHE": "1"}
    exe = str(Path(sys.executable).parent / "parentinvolve")
    procs = [
        subprocess.Popen(
            [exe, "clinic", "override", i, "--clinic", str(clinic)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in ids
    ]
    results = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), results
    text = "".join(
        (clinic / f).read_text(encoding="utf-8")
        for f in ("therapies.yaml", "moments.yaml", "topics.yaml")
        if (clinic / f).exists()
    )
    for i in ids:
        assert f"- id: {i}\n" in text, i
    r = subprocess.run([exe, "validate", "--clinic", str(clinic)], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


# --- D. names on the terminal -----------------------------------------------------------------------------------------


def test_clinic_commands_never_print_a_folder_name_raw(run_cli: RunCli, tmp_path: Path) -> None:
    odd = tmp_path / "our\x1b[2Jclinic\nnext"
    r = run_cli("clinic", "init", str(odd))
    assert r.exit_code == 0 and "\x1b" not in r.stdout and "\\x1b[2J" in r.stdout
    assert "clinic\nnext" not in r.stdout
    for args in (("clinic", "show"), ("clinic", "override", "pcit")):
        r = run_cli(*args, "--clinic", str(odd))
        assert r.exit_code == 0, r.stderr
        assert "\x1b" not in r.stdout + r.stderr and "clinic\nnext" not in r.stdout
    assert run_cli("validate", "--clinic", str(odd)).exit_code == 0  # the template passes its own check


# --- F. clinic.yaml's reviewed date, checked as content files' are -------------------------------------------------


@pytest.mark.parametrize(
    ("date", "problem"),
    [
        ("2026-02-30", "reviewed '2026-02-30' is not a real date"),
        ("2026-13-45", "reviewed '2026-13-45' is not a real date"),
        ("0000-00-00", "reviewed '0000-00-00' is not a real date"),
        ("2999-01-01", "reviewed 2999-01-01 is in the future"),
    ],
)
def test_a_clinics_reviewed_date_must_be_a_real_past_date(
    run_cli: RunCli, clinic: Path, date: str, problem: str
) -> None:
    path = clinic / "clinic.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("reviewed: 2026-11-30", f"reviewed: {date}"), "utf-8")
    r = run_cli("validate", "--clinic", str(clinic))
    assert r.exit_code == 1
    assert f"{path}:{r.stderr.split(str(path) + ':')[1].split(':')[0]}:11: {problem}" in r.stderr


def test_a_clinics_old_review_is_a_warning(run_cli: RunCli, clinic: Path) -> None:
    path = clinic / "clinic.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("reviewed: 2026-11-30", "reviewed: 1900-01-01"), "utf-8")
    r = run_cli("validate", "--clinic", str(clinic))
    assert r.exit_code == 0 and "clinic.yaml was last reviewed on 1900-01-01, more than 24 months ago" in r.stderr


# --- G. folders and permissions ---------------------------------------------------------------------------------------


def test_a_clinic_folder_others_can_write_is_refused(run_cli: RunCli, clinic: Path) -> None:
    for target in (clinic, clinic / "clinic.yaml"):
        target.chmod(target.stat().st_mode | 0o002)
        r = run_cli("ask", "--clinic", str(clinic), "--answers", str(clinic / "clinic.yaml"))
        assert r.exit_code == 1
        located = [line for line in r.stderr.splitlines() if "writable by everyone" in line]
        assert located == [
            f"{target}:1:1: other users of this computer can change this (it is writable by everyone), so the "
            f"clinic's layer is not used; remove their write permission (chmod o-w {target})"
        ]
        target.chmod(target.stat().st_mode & ~0o002)


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        ("loop", "this is a symbolic link that loops back on itself, not a folder"),
        ("missing", "no such folder"),
        ("file", "is not a folder"),
        ("unenterable", "this folder cannot be entered (permission denied: its files can be listed but not read)"),
    ],
)
def test_a_clinic_folder_that_cannot_be_used_says_why(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make: str, problem: str
) -> None:
    folder = tmp_path / "layer"
    if make == "loop":
        folder.symlink_to(folder)
    elif make == "file":
        folder.write_text("", encoding="utf-8")
    elif make == "unenterable":
        shutil.copytree(EXAMPLE, folder)
        real = os.access
        monkeypatch.setattr(
            os,
            "access",
            lambda p, mode, **kw: False if (str(p) == str(folder) and mode & os.X_OK) else real(p, mode, **kw),
        )
    r = run_cli("validate", "--clinic", str(folder))
    assert r.exit_code == 1
    assert (
        r.stderr.splitlines()[0] == f"{folder}:1:1: {problem}; give the clinic's folder, the one that holds clinic.yaml"
    )


def test_an_unreadable_translation_folder_in_a_layer_is_one_warning(
    run_cli: RunCli, clinic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spanish = clinic / "i18n" / "es"
    spanish.mkdir(parents=True, exist_ok=True)
    shutil.copy(CONTENT / "i18n" / "es" / "moments.yaml", spanish / "moments.yaml")
    real = os.access
    for locked in (spanish, spanish / "moments.yaml"):
        monkeypatch.setattr(
            os, "access", lambda p, mode, locked=locked, **kw: False if str(p) == str(locked) else real(p, mode, **kw)
        )
        r = run_cli("--lang", "es", "--clinic", str(clinic), "explain", "consent", "--format", "plain")
        assert r.exit_code == 0 and r.stdout.startswith("Dar el consentimiento")
        assert one_line(r.stderr) == (
            f"advertencia: no se puede leer {locked} (permiso denegado); no se usan las traducciones de la clínica "
            "que están allí."
        )


def test_a_read_only_file_system_is_named(run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from parentinvolve.cli import private_files

    (tmp_path / "ro").mkdir()
    (tmp_path / "a.yaml").write_text(ANSWERS, encoding="utf-8")
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw: False if str(p).endswith("ro") else real(p, mode, **kw))
    monkeypatch.setattr(private_files, "_read_only", lambda folder: True)
    for option in ("--output", "--save"):
        r = run_cli("ask", "--answers", str(tmp_path / "a.yaml"), option, str(tmp_path / "ro" / "x"))
        assert r.exit_code == 1
        assert one_line(r.stderr) == (
            f"parentinvolve: Cannot write in {tmp_path / 'ro'} (the file system is read-only); choose another folder."
        )
    assert list((tmp_path / "ro").iterdir()) == []


@pytest.mark.parametrize("home", ["", "relative", "/nonexistent/x"])
def test_the_cache_makes_nothing_outside_an_existing_home(
    home: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from parentinvolve.kb import cache, cache_files

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", home)
    monkeypatch.chdir(tmp_path)
    assert cache.folder() is None
    monkeypatch.setenv("XDG_CACHE_HOME", "/nonexistent/x")
    slot = cache.folder()
    assert slot is not None and cache_files.open_folder(slot, create=True) is None
    assert not Path("/nonexistent").exists() and list(tmp_path.iterdir()) == []


# --- H. what validate says --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["loop", "fifo", "folder"])
def test_a_translation_file_that_is_not_a_file_is_named(run_cli: RunCli, content_copy: Path, kind: str) -> None:
    path = content_copy / "i18n" / "es" / "moments.yaml"
    path.unlink()
    if kind == "loop":
        path.symlink_to(path)
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    r = run_cli("validate", str(content_copy))
    assert r.exit_code == 1
    assert re.search(rf"^{re.escape(str(path))}:1:1: this is ", r.stderr, re.M), r.stderr


def test_a_nul_in_utf8_text_is_located_not_called_utf16(run_cli: RunCli, content_copy: Path) -> None:
    path = content_copy / "moments.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.replace("  name: Giving consent", "  name: Giving\x00 consent", 1).encode("utf-8"))
    r = run_cli("validate", str(content_copy))
    assert r.exit_code == 1
    assert f"{path}:5:15: a NUL character (a zero byte) is here; remove it" in r.stderr
    assert "UTF-16" not in r.stderr


def test_independent_problems_in_several_files_are_all_reported(run_cli: RunCli, content_copy: Path) -> None:
    moments, therapies, rules = (content_copy / f"{n}.yaml" for n in ("moments", "therapies", "rules"))
    moments.write_text(
        moments.read_text(encoding="utf-8").replace("reviewed: 2026-11-30", "reviewed: 2026-02-30", 1), "utf-8"
    )
    therapies.write_text(therapies.read_text(encoding="utf-8").replace("  summary:", "  sumary:", 1), "utf-8")
    text = rules.read_text(encoding="utf-8")
    never = "  when: {all: [{child_age: {max: 2}}, {child_age: {min: 5}}]}\n"  # a sound condition no child meets
    rules.write_text(
        text + f"\n- id: never-fires\n{never}  sources: [psychcentral-parent-involvement]\n  why: [Never.]\n", "utf-8"
    )
    r = run_cli("validate", str(content_copy))
    assert r.exit_code == 1
    assert "moments.yaml" in r.stderr and "therapies.yaml" in r.stderr
    assert "rule 'never-fires' can never apply" in r.stderr  # checked beside the problems in other files


# --- I. conventions ---------------------------------------------------------------------------------------------------


def test_output_dash_is_standard_output(run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text(ANSWERS, encoding="utf-8")
    r = run_cli("ask", "--answers", "a.yaml", "--output", "-", "--format", "markdown")
    assert r.exit_code == 0 and r.stdout.startswith("# Your part in your child's therapy")
    assert not (tmp_path / "-").exists()


def test_an_unreadable_translation_folder_is_named_by_validate_and_skipped_by_a_plan(
    run_cli: RunCli, clinic: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spanish = clinic / "i18n" / "es"
    spanish.mkdir(parents=True, exist_ok=True)
    shutil.copy(CONTENT / "i18n" / "es" / "moments.yaml", spanish / "moments.yaml")
    real = Path.iterdir

    def iterdir(self: Path) -> Iterator[Path]:
        if self == spanish:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    from parentinvolve import kb as kb_package

    es = kb_package.load(CONTENT, clinic, lang="es")  # the shipped Spanish, not a failed run
    consent = es.entry("consent")
    assert consent is not None and consent.name == "Dar el consentimiento"
    r = run_cli("validate", "--clinic", str(clinic))
    assert r.exit_code == 1
    assert f"{spanish}:1:1: cannot be read (permission denied)" in r.stderr


def test_a_content_folder_that_can_be_listed_but_not_entered_says_so(
    run_cli: RunCli, content_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.access
    monkeypatch.setattr(
        os,
        "access",
        lambda p, mode, **kw: False if (str(p) == str(content_copy) and mode & os.X_OK) else real(p, mode, **kw),
    )
    r = run_cli("validate", str(content_copy))
    assert r.exit_code == 1 and "questions.yaml" not in r.stderr
    assert r.stderr.splitlines()[0] == (
        f"{content_copy}:1:1: this folder cannot be entered (permission denied: its files can be listed but not "
        "read); give the folder that holds the content YAML files"
    )


def test_a_clinics_address_is_not_taken_for_a_phone_number(run_cli: RunCli, clinic: Path, tmp_path: Path) -> None:
    path = clinic / "clinic.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("12 Mill Lane", "1234 Mill Lane"), "utf-8")
    answers = tmp_path / "a.yaml"
    answers.write_text(ANSWERS, encoding="utf-8")
    page = run_cli("ask", "--clinic", str(clinic), "--answers", str(answers), "--format", "html").stdout
    assert "<li>Address: 1234 Mill Lane, Riverbend</li>" in page and "tel:1234" not in page
