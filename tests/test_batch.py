"""Issue 23: many families at once: several answers files, or a CSV, into --output-dir."""

from __future__ import annotations

import html
from pathlib import Path

from conftest import RunCli

CSV = (
    "name,child_age,concerns,therapy,stage,region\n"
    "Smith,9,anxiety,cbt,starting,uk\n"
    "Jones,15,self-harm;depression,dbt,starting,us\n"
    "Bad,19,anxiety,cbt,starting,us\n"
    ",4,behavior,pcit,,ca\n"
    "Smith,7,behavior,pcit,starting,us\n"
)


def test_a_csv_gives_one_private_plan_per_row_and_a_bad_row_stops_no_other(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "families.csv").write_text(CSV, encoding="utf-8")
    out = tmp_path / "plans"
    out.mkdir()
    result = run_cli("ask", "--answers", str(tmp_path / "families.csv"), "--output-dir", str(out))
    assert result.exit_code == 2
    assert sorted(p.name for p in out.iterdir()) == ["Jones.html", "Smith-2.html", "Smith.html", "row-5.html"]
    assert f"{tmp_path / 'families.csv'}, row 4: child_age: 19 is out of range" in result.stderr
    assert result.stderr.rstrip().endswith(
        f"Wrote 4 plans to {out}; 1 of them starts with crisis lines; 1 family had a problem (above)."
    )
    assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in out.iterdir())
    jones = html.unescape((out / "Jones.html").read_text(encoding="utf-8"))
    assert "For a 15-year-old" in jones and "988" in jones
    assert "in PCIT" in html.unescape((out / "row-5.html").read_text(encoding="utf-8"))
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*"))


def test_several_answers_files_one_plan_each_in_the_format_asked(run_cli: RunCli, tmp_path: Path) -> None:
    for name, age in (("ana", 5), ("ben", 12)):
        (tmp_path / f"{name}.yaml").write_text(
            f"child_age: {age}\nconcerns: [anxiety]\ntherapy: cbt\n", encoding="utf-8"
        )
    out = tmp_path / "plans"
    out.mkdir()
    args = ["ask", "--answers", str(tmp_path / "ana.yaml"), str(tmp_path / "ben.yaml"), "--output-dir", str(out)]
    result = run_cli(*args, "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["ana.md", "ben.md"]
    assert result.stderr == f"Wrote 2 plans to {out}.\n"
    again = run_cli(*args, "--format", "markdown")
    assert again.exit_code == 2 and "already exists" in again.stderr  # never replaced without --force


def test_a_csv_column_that_is_no_question_is_named_with_the_ids(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "f.csv").write_text("name,age,concerns\nA,9,anxiety\n", encoding="utf-8")
    (tmp_path / "plans").mkdir()
    result = run_cli("ask", "--answers", str(tmp_path / "f.csv"), "--output-dir", str(tmp_path / "plans"))
    assert result.exit_code == 2
    assert "the column 'age' is not a question id" in result.stderr and "child_age" in result.stderr


def test_several_families_need_an_output_dir(run_cli: RunCli, tmp_path: Path) -> None:
    (tmp_path / "f.csv").write_text("child_age,concerns\n9,anxiety\n", encoding="utf-8")
    result = run_cli("ask", "--answers", str(tmp_path / "f.csv"))
    assert result.exit_code == 2 and "--output-dir DIR" in result.stderr
