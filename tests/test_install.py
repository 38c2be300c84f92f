"""The shipped content is found however parentinvolve is installed: wheel, sdist -> wheel, and editable.

Each non-editable install goes into a fresh virtual environment and runs from an unrelated folder. The
environment gets its dependencies (typer, rich, PyYAML, ...) from this test environment through a `.pth`
file added *after* parentinvolve is installed, so nothing is downloaded, and parentinvolve itself is
always imported from the fresh environment (checked).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import FIXED_ENV, ROOT
from parentinvolve import __version__
from parentinvolve.kb import build as loader

pytestmark = pytest.mark.slow
PY = sys.executable
EXPECTED = "A therapy for young children's behavior, built around coaching you as you play with your child."
MO = "parentinvolve/i18n/locale/es/LC_MESSAGES/parentinvolve.mo"


def run(
    *args: str | Path, cwd: Path, check: bool = True, path: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    extra = env or {}
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "FORCE_COLOR")}
    env.update(FIXED_ENV, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    env.update(extra)
    if path is not None:
        env["PYTHONPATH"] = str(path)
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if check:
        assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """Where the build backend (hatchling) can be imported from: None when this environment has it (then
    everything runs offline); otherwise a folder it is installed into once, from the package index."""
    if importlib.util.find_spec("hatchling") is not None:
        return None
    target = tmp_path_factory.mktemp("backend")
    run(PY, "-m", "pip", "install", "-q", "--target", target, "hatchling>=1.24", cwd=target)
    return target


def pip_wheel(source: Path, out: Path, cwd: Path, backend: Path | None) -> Path:
    """`pip wheel` as `pip install .` would build it, with the build backend found by `backend`."""
    offline = ["--no-index"] if backend is None else []
    args: list[str | Path] = ["wheel", "--no-deps", "--no-build-isolation", *offline, "-q", "-w", out, source]
    run(PY, "-m", "pip", *args, cwd=cwd, path=backend)
    (wheel,) = out.glob("parentinvolve-*.whl")
    return wheel


def fresh_venv(wheel: Path, where: Path) -> Path:
    """A new virtual environment with `wheel` installed; returns its bin folder."""
    py = where / "bin" / "python"
    run(PY, "-m", "venv", "--without-pip", where, cwd=where.parent)
    install: list[str | Path] = ["install", "--no-deps", "--no-index", "-q", wheel]
    done = run(PY, "-m", "pip", "--python", py, *install, cwd=where.parent, check=False)
    if done.returncode != 0 and "--python" in done.stderr:  # pip before 22.3: give the venv its own pip
        run(PY, "-m", "venv", where, cwd=where.parent)
        run(py, "-m", "pip", *install, cwd=where.parent)
    else:
        assert done.returncode == 0, done.stderr
    site = run(py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=where.parent).stdout.strip()
    # The dependencies come from this environment, after the fresh site-packages in sys.path.
    (Path(site) / "zz_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return where / "bin"


def check_installed(bin_dir: Path, cwd: Path) -> None:
    """From an unrelated folder: the package and its content come from the environment in `bin_dir`."""
    venv = bin_dir.parent.resolve()
    where = run(
        bin_dir / "python",
        "-c",
        "import parentinvolve, parentinvolve.kb as c; print(parentinvolve.__file__); print(c.shipped())",
        cwd=cwd,
    ).stdout.split("\n")
    package, content = Path(where[0]).resolve(), Path(where[1]).resolve()
    assert venv in package.parents, package
    assert content == package.parent / "content"
    assert {f"{name}.yaml" for name in loader.FILES} <= {p.name for p in content.iterdir()}

    r = run(bin_dir / "parentinvolve", "explain", "pcit", cwd=cwd)
    assert EXPECTED in " ".join(r.stdout.split())
    r = run(bin_dir / "parentinvolve", "validate", cwd=cwd)
    assert r.stdout.startswith(f"{content}: no problems found (9 files: ")
    r = run(bin_dir / "python", "-m", "parentinvolve", "--version", cwd=cwd)
    assert r.stdout == f"parentinvolve {__version__}\n"
    r = run(bin_dir / "parentinvolve", "explain", "pcti", cwd=cwd, check=False)
    assert (r.returncode, r.stdout) == (2, "")
    assert "pcit" in r.stderr
    check_spanish(bin_dir, cwd)


def check_spanish(bin_dir: Path, cwd: Path) -> None:
    """Spanish works: the compiled catalog (help, headings, Click's strings) and the content translations."""
    r = run(bin_dir / "parentinvolve", "--lang", "es", "explain", "pcit", "--format", "plain", cwd=cwd)
    assert r.stdout.startswith("Terapia de interacción entre padres e hijos (PCIT")
    assert "\nQué es\n" in r.stdout
    r = run(bin_dir / "parentinvolve", "explain", "pcit", "--lang", "fr", cwd=cwd, check=False)
    assert (r.returncode, r.stderr) == (2, "parentinvolve: There is no fr translation; available languages: en, es.\n")
    r = run(bin_dir / "python", "-m", "parentinvolve", "--help", cwd=cwd, env={"PARENTINVOLVE_LANG": "es"})
    assert r.stdout.startswith("Uso: parentinvolve") and "Opciones:" in r.stdout
    # Babel compiles the catalogs when building, and only then: a run reads the .mo as built.
    argv = ["--lang", "es", "explain", "pcit", "--format", "plain"]
    without_babel = f"import sys; sys.modules['babel'] = None; sys.argv[1:] = {argv!r}; "
    r = run(bin_dir / "python", "-c", without_babel + "from parentinvolve.__main__ import run; run()", cwd=cwd)
    assert r.stdout.startswith("Terapia de interacción entre padres e hijos (PCIT") and "\nQué es\n" in r.stdout


def test_wheel_installed_in_a_fresh_environment(tmp_path: Path, backend: Path | None) -> None:
    wheel = pip_wheel(ROOT, tmp_path / "dist", tmp_path, backend)
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert {f"parentinvolve/content/{name}.yaml" for name in loader.FILES} <= names
    assert {MO, "parentinvolve/content/i18n/es/therapies.yaml"} <= names  # compiled by hatch_build.py
    assert not [n for n in names if n.endswith((".po", ".pot"))]  # the catalogs' sources stay in the sdist
    bin_dir = fresh_venv(wheel, tmp_path / "venv")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    check_installed(bin_dir, elsewhere)


def test_sdist_built_into_a_wheel_installed_in_a_fresh_environment(tmp_path: Path, backend: Path | None) -> None:
    run(PY, "-m", "hatchling", "build", "-t", "sdist", "-d", tmp_path / "sdist", cwd=ROOT, path=backend)
    (sdist,) = (tmp_path / "sdist").glob("parentinvolve-*.tar.gz")
    with tarfile.open(sdist) as tar:
        members = tar.getnames()
        if hasattr(tarfile, "data_filter"):
            tar.extractall(tmp_path / "unpacked", filter="data")
        else:  # pragma: no cover - Python before 3.10.12 / 3.11.4
            tar.extractall(tmp_path / "unpacked")
    top = f"parentinvolve-{__version__}"
    assert {f"{top}/content/{name}.yaml" for name in loader.FILES} <= set(members)
    assert {f"{top}/hatch_build.py", f"{top}/src/{MO[:-3]}.po"} <= set(members)
    assert f"{top}/src/{MO}" not in members  # built from the .po, never shipped stale
    assert not any("/.venv/" in m or "__pycache__" in m for m in members)
    wheel = pip_wheel(tmp_path / "unpacked" / top, tmp_path / "dist", tmp_path, backend)
    bin_dir = fresh_venv(wheel, tmp_path / "venv")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    check_installed(bin_dir, elsewhere)


def test_editable_install_reads_the_content_folder_of_the_checkout(tmp_path: Path) -> None:
    bin_dir = Path(PY).parent
    if not (bin_dir / "parentinvolve").exists():
        pytest.skip("parentinvolve's console script is not installed in this environment")
    where = run(
        bin_dir / "python",
        "-c",
        "import parentinvolve, parentinvolve.kb as c; print(parentinvolve.__file__); print(c.shipped())",
        cwd=tmp_path,
    ).stdout.split("\n")
    if ROOT not in Path(where[0]).resolve().parents:
        pytest.skip("this environment has a non-editable install; the wheel tests cover that")
    assert Path(where[1]).resolve() == ROOT / "content"
    r = run(bin_dir / "parentinvolve", "explain", "pcit", cwd=tmp_path)
    assert EXPECTED in " ".join(r.stdout.split())
    r = run(bin_dir / "parentinvolve", "validate", cwd=tmp_path)
    assert r.stdout.startswith(f"{ROOT / 'content'}: no problems found")
    r = run(bin_dir / "python", "-m", "parentinvolve", "explain", "play therapy", "--format", "json", cwd=tmp_path)
    assert '"id": "play"' in r.stdout
    assert (ROOT / "src" / MO).is_file(), "the editable install did not compile the catalog (hatch_build.py)"
    check_spanish(bin_dir, tmp_path)
