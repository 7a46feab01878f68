"""scripts/browser_deps.sh (make browser-deps): instant when ready, clear when it cannot install."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "browser_deps.sh"


def test_second_run_is_instant_and_installs_nothing(chromium_path: Path) -> None:
    started = time.monotonic()
    done = subprocess.run(["sh", str(SCRIPT)], capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert "ok" in done.stdout and "installing" not in done.stdout
    assert elapsed < 2, f"browser-deps took {elapsed:.1f} s with everything installed"


def test_without_root_it_stops_and_says_what_to_install(tmp_path: Path) -> None:
    setpriv = shutil.which("setpriv")
    argv = ["sh", "-s"]  # the script on stdin: an ordinary user may not read the checkout
    if os.geteuid() == 0:
        assert setpriv, "setpriv (util-linux) is needed to run the script as an ordinary user"
        argv = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *argv]
    env = {**os.environ, "SILSON_CHROMIUM": str(tmp_path / "no-chromium-here")}
    done = subprocess.run(
        argv, input=SCRIPT.read_text(), capture_output=True, text=True, timeout=60, env=env, cwd="/"
    )
    if done.returncode == 0:
        pytest.fail(f"browser-deps claimed success without a browser:\n{done.stdout}")
    assert "apt-get install -y chromium fonts-nanum" in done.stderr, done.stderr
    assert "playwright install" in done.stderr  # says not to download a browser
