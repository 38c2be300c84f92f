"""Issue 23: a clinic sets up its layer without editing YAML (flags only), and hand-written mistakes are
answered in plain words."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from conftest import RunCli
from parentinvolve.cli.clinic_edit import COMMENTED

FAMILY = "child_age: 15\nconcerns: [self-harm]\ntherapy: cbt\nstage: starting\nregion: us\n"


def test_a_receptionists_flags_only_path_ends_clean_and_every_field_is_in_the_plan(
    run_cli: RunCli, tmp_path: Path
) -> None:
    d = str(tmp_path / "riverside")
    steps = [
        [
            "clinic",
            "init",
            d,
            "--name",
            "Riverside Family Clinic",
            "--phone",
            "555-0100",
            "--email",
            "desk@riverside.example",
            "--after-hours-name",
            "Riverside on-call nurse",
            "--after-hours-phone",
            "555-0199",
            "--website",
            "https://riverside.example",
            "--welcome",
            "Welcome: we are glad you are here.",
        ],
        ["clinic", "set", d, "address", "12 River Road, Riverside"],
        ["clinic", "set", d, "reviewed", "2026-11-30"],
        [
            "clinic",
            "policy",
            "add",
            d,
            "--title",
            "Cancellations",
            "--text",
            "Please call a day ahead: we can offer the time to another family.",
        ],
        ["clinic", "override", "cbt", "summary", "--clinic", d],
        ["clinic", "set", d, "name", "Clínica Familiar Riverside", "--in", "es"],
        ["clinic", "set", d, "welcome", "Le damos la bienvenida.", "--in", "es"],
        ["clinic", "set", d, "phone-name", "Recepción", "--in", "es"],
        ["clinic", "set", d, "email-name", "Correo electrónico", "--in", "es"],
        ["clinic", "set", d, "after-hours-name", "Enfermera de guardia de Riverside", "--in", "es"],
        [
            "clinic",
            "policy",
            "add",
            d,
            "--in",
            "es",
            "--id",
            "cancellations",
            "--title",
            "Cancelaciones",
            "--text",
            "Llame un día antes: así podemos ofrecer la hora a otra familia.",
        ],
    ]
    for args in steps:
        result = run_cli(*args)
        assert result.exit_code == 0, (args, result.stderr)
    summary = (tmp_path / "riverside" / "therapies.yaml").read_text(encoding="utf-8")
    assert re.findall(r"^  (\w+):", summary, re.M) == ["based_on", "summary"]  # only the field asked for
    edited = summary.replace("often used for anxiety", "used at Riverside for anxiety")
    (tmp_path / "riverside" / "therapies.yaml").write_text(edited, encoding="utf-8")

    checked = run_cli("validate", "--strict", "--clinic", d)
    assert checked.exit_code == 0, checked.stderr
    # Only the clinic's own words: its changed summary, named where the clinic changed it, never a shipped file.
    assert "/content/" not in checked.stderr
    assert checked.stderr.count("(warning)") == 1 and "your layer changes 'cbt'" in checked.stderr

    shown = run_cli("clinic", "show", "--clinic", d)
    assert "changed therapy cbt: summary" in shown.stdout and shown.stdout.count("changed") == 1

    (tmp_path / "teen.yaml").write_text(FAMILY, encoding="utf-8")
    out = tmp_path / "plan.html"
    made = run_cli("ask", "--answers", str(tmp_path / "teen.yaml"), "--output", str(out), "--clinic", d)
    assert made.exit_code == 0, made.stderr
    page = html.unescape(out.read_text(encoding="utf-8"))
    for value in (
        "Riverside Family Clinic",
        "555-0100",
        "desk@riverside.example",
        "Riverside on-call nurse",
        "555-0199",
        "https://riverside.example",
        "12 River Road, Riverside",
        "Welcome: we are glad you are here.",
        "Cancellations",
        "Please call a day ahead: we can offer the time to another family.",
        "used at Riverside for anxiety",
    ):
        assert value in page, value
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_a_flag_cannot_give_the_after_hours_line_a_shipped_crisis_lines_name(run_cli: RunCli, tmp_path: Path) -> None:
    d = tmp_path / "c"
    result = run_cli(
        "clinic",
        "init",
        str(d),
        "--name",
        "C",
        "--after-hours-name",
        "988 Suicide & Crisis Lifeline",
        "--after-hours-phone",
        "555-0199",
    )
    assert result.exit_code == 2
    assert "locked safety set" in result.stderr and "Nothing was written" in result.stderr
    assert not d.exists()
    made = run_cli(
        "clinic", "init", str(d), "--name", "C", "--after-hours-name", "C on call", "--after-hours-phone", "555-0199"
    )
    assert made.exit_code == 0
    before = (d / "clinic.yaml").read_text(encoding="utf-8")
    refused = run_cli("clinic", "set", str(d), "after-hours-name", "Samaritans")
    assert refused.exit_code == 2 and "Nothing was written" in refused.stderr
    assert (d / "clinic.yaml").read_text(encoding="utf-8") == before


@pytest.mark.parametrize("key", sorted(COMMENTED))
def test_each_example_in_the_template_validates_when_uncommented(run_cli: RunCli, tmp_path: Path, key: str) -> None:
    d = tmp_path / "c"
    assert run_cli("clinic", "init", str(d)).exit_code == 0
    text = (d / "clinic.yaml").read_text(encoding="utf-8")
    section = COMMENTED[key]
    assert section in text
    uncommented = "".join(re.sub(r"^# ?", "", ln, count=1) for ln in section.splitlines(keepends=True))
    (d / "clinic.yaml").write_text(text.replace(section, uncommented), encoding="utf-8")
    result = run_cli("validate", "--clinic", str(d))
    assert result.exit_code == 0, result.stderr
    assert "content/" not in result.stderr and "content/i18n" not in result.stderr  # only the clinic's own words


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("name: R\nphone: 555-0100\n", "(did you mean: contacts?); the fields are: name, website"),
        ("name: R\n website: https://x.org\n", "line 2 starts with a space"),
        ("name: R\npolicies:\n  - id: c\n    title: C\n    text: Note: call us.\n", "put the whole sentence in quotes"),
        (
            "name: R\npolicies:\n  - id: c\n    title: C\n    text:\n      - Note: call us.\n",
            "put the sentence in quotes",
        ),
    ],
)
def test_hand_written_mistakes_are_answered_in_plain_words(
    run_cli: RunCli, tmp_path: Path, body: str, says: str
) -> None:
    d = tmp_path / "c"
    d.mkdir()
    (d / "clinic.yaml").write_text(body, encoding="utf-8")
    result = run_cli("validate", "--clinic", str(d))
    assert result.exit_code == 1
    assert says in result.stderr
    assert f"validate --clinic {d}" in result.stderr  # the clinic's own folder, and the command with --clinic


def test_validate_on_a_clinics_folder_says_to_use_clinic(run_cli: RunCli, tmp_path: Path) -> None:
    d = tmp_path / "c"
    run_cli("clinic", "init", str(d), "--name", "C")
    result = run_cli("validate", str(d))
    assert result.exit_code == 2
    assert f"check it with `parentinvolve validate --clinic {d}`" in result.stderr
    assert "missing file" not in result.stderr


def test_a_relative_clinic_path_that_is_not_there_says_where_it_looked(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("topics", env={"PARENTINVOLVE_CLINIC": "riverside"})
    assert result.exit_code == 1
    assert f"looked for {tmp_path / 'riverside'}, from the current folder" in result.stderr


def test_set_names_the_fields_and_guesses_the_one_meant(run_cli: RunCli, tmp_path: Path) -> None:
    d = tmp_path / "c"
    run_cli("clinic", "init", str(d), "--name", "C")
    result = run_cli("clinic", "set", str(d), "fone", "555-0100")
    assert result.exit_code == 2
    assert "(did you mean: phone?)" in result.stderr and "after-hours-phone" in result.stderr


def test_override_of_a_field_the_entry_lacks_lists_its_fields(run_cli: RunCli, tmp_path: Path) -> None:
    d = tmp_path / "c"
    run_cli("clinic", "init", str(d), "--name", "C")
    result = run_cli("clinic", "override", "pcit", "sumary", "--clinic", str(d))
    assert result.exit_code == 2
    assert "did you mean: summary?" in result.stderr and not (d / "therapies.yaml").exists()


def test_set_keeps_the_rest_of_a_hand_written_file_comments_and_all(run_cli: RunCli, tmp_path: Path) -> None:
    d = tmp_path / "c"
    d.mkdir()
    text = "# our notes\nname: C  # the name\nwebsite: https://c.example\n\n# the end\n"
    (d / "clinic.yaml").write_text(text, encoding="utf-8")
    assert run_cli("clinic", "set", str(d), "website", "https://new.example").exit_code == 0
    after = (d / "clinic.yaml").read_text(encoding="utf-8")
    assert after == '# our notes\nname: C  # the name\nwebsite: "https://new.example"\n\n# the end\n'
    assert run_cli("clinic", "set", str(d), "website", "not a web address").exit_code == 2
    assert (d / "clinic.yaml").read_text(encoding="utf-8") == after


def test_a_whole_copied_entry_lists_only_the_field_the_clinic_changed(run_cli: RunCli, tmp_path: Path) -> None:
    d = tmp_path / "c"
    run_cli("clinic", "init", str(d), "--name", "C")
    assert run_cli("clinic", "override", "cbt", "--clinic", str(d)).exit_code == 0
    assert "changed" not in run_cli("clinic", "show", "--clinic", str(d)).stdout
    copy = d / "therapies.yaml"
    copy.write_text(copy.read_text(encoding="utf-8").replace("often used for", "used here for"), encoding="utf-8")
    shown = run_cli("clinic", "show", "--clinic", str(d)).stdout
    assert shown.count("changed") == 1 and "changed therapy cbt: summary" in shown
