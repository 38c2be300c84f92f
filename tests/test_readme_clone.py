"""The README, followed literally by a newcomer: its set-up command in a fresh clone (in a real terminal, as the
command ends by asking the first question), then every `$ parentinvolve ...` example it shows, as written,
after `source .venv/bin/activate` as the README says, in the order shown. An example followed by `$ echo $?`
must exit with the code shown; every other one with 0. (The README's test set-up command is the one `.ci/run`
runs itself; running it here would run this suite inside itself.)"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="the README's set-up is for a POSIX shell"),
]


def examples() -> list[tuple[str, int]]:
    """Each `$ parentinvolve ...` line in the README's code blocks (comments dropped), with the exit code the
    README shows for it (`$ echo $?` on the next prompt line), else 0."""
    found: list[tuple[str, int]] = []
    blocks: list[list[str]] = []
    fenced = False
    for line in README.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            if fenced:
                blocks.append([])
        elif fenced:
            blocks[-1].append(line)
    for lines in blocks:
        for n, line in enumerate(lines):
            if not line.startswith("$ parentinvolve"):
                continue
            command = re.sub(r"\s+#.*$", "", line[2:]).strip()
            follow = n + 1
            while command.endswith("\\") and follow < len(lines):  # a command continued on the next lines
                command = command[:-1].rstrip() + " " + lines[follow].strip()
                follow += 1
            code = 0
            rest = [x for x in lines[n + 1 :] if x.startswith("$ ")]
            if rest and rest[0] == "$ echo $?":
                after = lines[lines.index(rest[0], n + 1) + 1]
                code = int(after)
            found.append((command, code))
    return found


def fresh_clone(target: Path) -> Path:
    if (ROOT / ".git").exists():
        subprocess.run(["git", "clone", "-q", str(ROOT), str(target)], check=True)
    else:  # an unpacked sdist: its files, as a clone would have them
        shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(".venv", "__pycache__", "*.pyc", "*.mo"))
    return target


def clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARENTINVOLVE_", "VIRTUAL_ENV", "PYTHON"))}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), COLUMNS="100", LINES="30", PAGER="cat")
    env.update(PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm", PARENTINVOLVE_LANG="en")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    return env


def answer_numbered(child: pexpect.spawn[str]) -> int:
    """Answer numbered questions (TERM=dumb) as a parent would: an age, then the first choice or Enter's."""
    first = True
    while True:
        i = child.expect(
            [
                r"\(Enter for [^)]*\): $",
                r"Type (one or more numbers|a number)[^:]*: $",
                "see your plan",
                "Type y or n",
                pexpect.EOF,
            ]
        )
        if i == 0 or i == 2 or i == 3:
            child.sendline("")
        elif i == 1:
            child.sendline("15" if first else "1")
            first = False
        else:
            child.close()
            return int(child.exitstatus if child.exitstatus is not None else -1)


def serve_until_ctrl_c(line: str, env: dict[str, str], cwd: Path) -> int:
    """A `serve` example: it says where it listens, then Ctrl-C stops it (its exit code)."""
    child = pexpect.spawn("bash", ["-c", line], env=env, cwd=str(cwd), encoding="utf-8", timeout=60)
    child.expect(r"http://\S+")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    return int(child.exitstatus if child.exitstatus is not None else -1)


def test_the_readme_set_up_and_every_example_work_as_written(tmp_path: Path) -> None:
    clone = fresh_clone(tmp_path / "parentinvolve")
    home = tmp_path / "home"
    home.mkdir()
    env = clean_env(home)
    setup = re.findall(r"```\n(python3 -m venv .venv[^\n]*)\n```", README)[0]
    assert setup.endswith(".venv/bin/parentinvolve ask")

    # The set-up, literally, in a terminal: it ends at the first question.
    child = pexpect.spawn("bash", ["-c", setup], env=env, cwd=str(clone), encoding="utf-8", timeout=900)
    child.expect_exact("How old is your child?")
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130

    assert "source .venv/bin/activate" in README  # how the bare `parentinvolve` of the examples works
    answers_file = re.search(r"<!-- answers-file -->\n```yaml\n(.*?)```", README, re.S)
    assert answers_file is not None, "the README shows an answers file"
    (clone / "teen.yaml").write_text(answers_file[1])
    for name in ("family.yaml", "ana.yaml", "ben.yaml"):  # the answers files "For clinics" names
        shutil.copyfile(clone / "teen.yaml", clone / name)
    (clone / "families.csv").write_text(  # as "Many families at once" describes it
        "name,child_age,concerns,therapy,stage,region\nana,9,anxiety;behavior,cbt,starting,us\n"
        "ben,15,self-harm,dbt,waiting,uk\n",
        encoding="utf-8",
    )
    broken = Path(shutil.copytree(clone / "content", clone / "broken-copy", ignore=shutil.ignore_patterns("i18n")))
    rules = broken / "rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("therapy: pcit", "therapy: pcti", 1), encoding="utf-8")

    shutil.copytree(clone / "examples" / "clinic", clone / "our-clinic")  # the folder "For clinics" calls ./our-clinic

    ran = []
    web = False
    for command, code in examples():
        line = "source .venv/bin/activate && " + command
        if command.startswith("parentinvolve serve") and "--help" not in command:
            if not web:  # as the README says just before its first `serve`: the web extra
                extra = re.search(r"^\$ (\.venv/bin/pip install '\.\[web\]')$", README, re.M)
                assert extra is not None
                subprocess.run(["bash", "-c", extra[1] + " -q"], env=env, cwd=str(clone), check=True, timeout=600)
                web = True
            got = serve_until_ctrl_c(line, {**env, "BROWSER": "true"}, clone)  # (--open: a browser that opens nothing)
            assert got == code, (command, got, code)
            ran.append("serve")
            continue
        if re.fullmatch(r"parentinvolve ask( --save \S+| --clinic \S+)?", command):  # asks: give it a terminal
            dumb = pexpect.spawn(
                "bash", ["-c", line], env={**env, "TERM": "dumb"}, cwd=str(clone), encoding="utf-8", timeout=120
            )
            got = answer_numbered(dumb)
        else:
            done = subprocess.run(
                ["bash", "-c", line],
                env=env,
                cwd=str(clone),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=120,
            )
            got = done.returncode
            assert "Traceback" not in done.stderr and "internal error" not in done.stderr, (command, done.stderr)
        assert got == code, (command, got, code)
        ran.append(shlex.split(command)[1])
    assert {"ask", "explain", "topics", "validate", "clinic"} <= set(ran)
    assert (clone / "answers.yaml").exists() and (clone / "plan.html").exists()
    assert not list(home.glob("parentinvolve-plan-*"))  # the save offer was answered no
