"""Issue 23 in a real terminal: `clinic init` asks for each field, the batch shows its progress, and a batch
stopped halfway leaves whole plans only."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from test_pty import command, script, spawn

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX-only"),
]


def test_clinic_init_on_a_terminal_asks_for_each_field(tmp_path: Path) -> None:
    child = spawn(command("clinic init riverside"), tmp_path)
    answers = [
        ("The clinic's name", ""),  # the name cannot be skipped: asked again
        ("The name is needed", "Riverside Family Clinic"),
        ("The front desk's number", "555-0100"),
        ("The front desk's email address", ""),
        ("Your after-hours or on-call line's name", "Riverside on-call nurse"),
        ("Its number", "555-0199"),
        ("Your web address", ""),
        ("Your address", ""),
        ("A sentence of welcome", "Welcome: glad you are here."),
    ]
    for prompt, answer in answers:
        child.expect_exact(prompt)
        child.sendline(answer)
    child.expect_exact("parentinvolve validate --clinic riverside")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = (tmp_path / "riverside" / "clinic.yaml").read_text(encoding="utf-8")
    assert 'name: "Riverside Family Clinic"' in text and '- "Welcome: glad you are here."' in text
    assert "# website:" in text  # skipped: left as the template's commented example
    done = subprocess.run([*script(), "validate", "--clinic", "riverside"], cwd=tmp_path, capture_output=True)
    assert done.returncode == 0


def _csv(path: Path, rows: int) -> None:
    lines = ["name,child_age,concerns,therapy,stage,region"]
    lines += [f"f{n},{n % 18},anxiety;behavior,cbt,starting,us" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_batch_on_a_terminal_shows_a_progress_bar_then_one_line(tmp_path: Path) -> None:
    _csv(tmp_path / "f.csv", 300)
    (tmp_path / "plans").mkdir()
    child = spawn(command("ask --answers f.csv --output-dir plans"), tmp_path)
    child.expect_exact("Writing plans [")
    child.expect_exact("Wrote 300 plans to plans.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert len(list((tmp_path / "plans").iterdir())) == 300


def test_a_batch_stopped_halfway_leaves_only_whole_plans(tmp_path: Path) -> None:
    _csv(tmp_path / "f.csv", 5000)
    out = tmp_path / "plans"
    out.mkdir()
    proc = subprocess.Popen(
        [*script(), "ask", "--answers", "f.csv", "--output-dir", "plans"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while len(list(out.iterdir())) < 200 and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, err
    names = [p.name for p in out.iterdir()]
    assert 200 <= len(names) < 5000
    assert all(n.endswith(".html") for n in names), [n for n in names if not n.endswith(".html")]
    assert all(p.read_text(encoding="utf-8").endswith("</html>\n") for p in out.iterdir())
