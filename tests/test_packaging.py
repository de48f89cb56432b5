"""A wheel install (not editable) ships the saved queries and the ontology and runs ``pvkg``."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    if built.returncode != 0:
        pytest.skip(
            f"cannot build a wheel here (pip wheel needs setuptools): {built.stderr[-300:]}"
        )
    [path] = out.glob("pvkg-*.whl")
    return path


def test_wheel_carries_every_saved_query_and_the_ontology(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {n.split("/share/pvkg/", 1)[1] for n in names if "/share/pvkg/" in n}
    expected = {f"queries/{p.name}" for p in (ROOT / "queries").glob("*.rq")}
    assert expected <= shipped
    assert {"ontology/pvkg.ttl", "ontology/pvkg.owl", "ontology/pvkg.jsonld"} <= shipped


def test_installed_wheel_builds_and_answers_outside_the_checkout(
    wheel: Path, tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # the dependencies come from the environment running the tests — a virtualenv or not —
    # listed as plain paths after the new environment's own site-packages (their .pth files,
    # such as an editable install of this checkout, are not run), so the wheel's packages win
    inner = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import site; print(site.getsitepackages()[0])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    outer = [p for p in sys.path if p.endswith("-packages") and Path(p).is_dir()]
    (Path(inner) / "_outer_environment.pth").write_text("\n".join(outer) + "\n")
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", str(wheel)]
    subprocess.run(pip, check=True, capture_output=True)
    pvkg = str(venv / "bin" / "pvkg")
    store = str(tmp_path / "store")

    def run(*args: str) -> str:
        done = subprocess.run(
            [pvkg, "--store", store, *args], cwd=tmp_path, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    where = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import kg.shipped as s; print(s.shipped_dir('queries'))",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where == str(venv / "share" / "pvkg" / "queries")
    assert "drugs-treating-and-inducing" in run("queries")
    run("build")
    answer = run("query", "--saved", "drugs-treating-and-inducing", "--format", "csv")
    assert "infliximab" in answer
