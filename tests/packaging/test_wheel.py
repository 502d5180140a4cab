"""Issue 6: what a user installs works, not just the source checkout.

The wheel test builds a real wheel from a copy of the source, installs it into a bare
folder and imports it from there with the repository out of reach: `python -S` keeps the
venv's editable-install hook (a .pth file) from loading, and the working directory is a
temporary folder. Only the third-party packages come from the venv, through PYTHONPATH.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

import pytest

import tit_app

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("tit_app", "pyproject.toml", "README.md")
SUBPROCESS_TIMEOUT_S = 120  # a hang fails the test instead of stalling the suite

PROBE = """
import json, pathlib, sys
import tit_app, tit_app.resources
from tit_app.telemetry.catalog import default_catalog
resources = pathlib.Path(tit_app.resources.__file__).parent
print(json.dumps({
    "tit_app": tit_app.__file__,
    "resources": sorted(p.relative_to(resources).as_posix() for p in resources.rglob("*") if p.is_file()),
    "events": len(default_catalog().events),
}))
"""


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT_S)
    assert result.returncode == 0, f"{args} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def require_build_backend() -> None:
    """--no-build-isolation builds with the venv's own setuptools, which must be able to make wheels."""
    try:
        setuptools_major = int(metadata.version("setuptools").split(".")[0])
        metadata.version("wheel")
    except metadata.PackageNotFoundError as exc:
        pytest.fail(f"the venv lacks {exc.name}; add 'setuptools>=77' and 'wheel' to the test extras")
    if setuptools_major < 77:
        pytest.fail("the venv's setuptools is older than pyproject's build-system needs (>=77)")


def copy_sources(dest: Path) -> Path:
    """The tracked and untracked source files, without caches or build debris."""
    src = dest / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCES:
        origin = REPO / name
        if origin.is_dir():
            shutil.copytree(origin, src / name, ignore=ignore)
        else:
            src.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, src / name)
    return src


def build_and_install(tmp_path: Path) -> Path:
    require_build_backend()
    src = copy_sources(tmp_path)
    dist, site = tmp_path / "dist", tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    run(pip + ["wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(src)], cwd=tmp_path)
    (wheel,) = dist.glob("tit_app-*.whl")
    run(pip + ["install", "--no-deps", "--target", str(site), str(wheel)], cwd=tmp_path)
    return site


def isolated_env(site: Path) -> dict[str, str]:
    """Our package from `site`; numpy, PyQt5 and the rest from the venv."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    venv_packages = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    env["PYTHONPATH"] = os.pathsep.join([str(site), *sorted(venv_packages)])
    return env


def packaged_resources() -> list[str]:
    """Every data file under tit_app/resources/: the wheel must carry all of them."""
    root = REPO / "tit_app" / "resources"
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts)


def test_the_installed_wheel_works_without_the_source_tree(tmp_path):
    site = build_and_install(tmp_path)
    env = isolated_env(site)

    probe = json.loads(run([sys.executable, "-S", "-c", PROBE], cwd=tmp_path, env=env).stdout)

    assert Path(probe["tit_app"]).is_relative_to(site)
    assert "events.toml" in probe["resources"]
    missing = sorted(set(packaged_resources()) - set(probe["resources"]))
    assert not missing, f"tit_app/resources/ files not in the wheel (package-data globs?): {missing}"
    assert probe["events"] > 0
    version = run([sys.executable, "-S", "-m", "tit_app", "--version"], cwd=tmp_path, env=env).stdout
    assert version.strip() == f"tit-app {tit_app.__version__}"
    script = site / "bin" / "tit-app"
    assert script.is_file()
    # The console script's entry point resolves too (run with -S for the same isolation).
    version = run([sys.executable, "-S", str(script), "--version"], cwd=tmp_path, env=env).stdout
    assert version.strip() == f"tit-app {tit_app.__version__}"


SUMMARY = re.compile(
    rf"tit-app {re.escape(tit_app.__version__)} self-test passed: "
    r"store, catalog \(\d+ events\), window, simulation \(32x32, \d+ ms\)"
)


def test_self_test_from_source_passes_and_leaves_no_trace(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TIT_HOME=str(home))

    result = subprocess.run([sys.executable, "-m", "tit_app", "--self-test"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT_S)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and SUMMARY.fullmatch(lines[0]), result.stdout
    # The self-test works in a throwaway home of its own: the user's stays untouched.
    assert list(home.iterdir()) == []
