"""The built wheel carries the policy packs and schemas the program reads at run time."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_wheel_installs_and_runs_rules(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)],
        check=True, capture_output=True, text=True, timeout=600,
    )
    wheel = next(dist.glob("sentra_lint-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for pack in ("phase1", "phase2", "phase3", "all"):
        assert f"sentra_lint/_data/rules/{pack}.yaml" in names
    assert "sentra_lint/_data/schemas/output.schema.json" in names

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)], check=True, timeout=600,
                   capture_output=True, text=True)
    exe = env_dir / "bin" / "sentra-lint"
    res = subprocess.run([str(exe), "rules"], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "SE001" in res.stdout
    # phase2 comes only from the shipped pack: proves the data is read from the wheel.
    res = subprocess.run([str(exe), "check", "--profile", "phase3", "."], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
