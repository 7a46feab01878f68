"""Fixtures for the real-browser tests: system Chromium, a private JupyterLab and Voilà.

Every server runs on 127.0.0.1 with its own token, config, runtime and settings dirs,
over a *copy* of ``notebooks/`` in a temporary directory (Lab autosave can then never
touch the committed notebooks; teardown also checks that the opened ones are unchanged).
JupyterLab is started directly and Voilà through ``scripts/present.sh`` (the ``make
present`` command), which ``exec``s it, so the PID we hold is the server's; teardown shuts
its kernels down (REST API for Lab), stops the server by that PID and then kills, by PID,
any kernel process it left behind (a teardown error names them).

``SILSON_BROWSER_NOTEBOOKS`` points the tests at another notebook folder (for trying a
draft notebook without touching ``notebooks/``).

The system browser is used (``/usr/bin/chromium``, or ``SILSON_CHROMIUM``); never a
browser download. Missing Chromium or Korean font is a failure with the fix in the
message, not a skip.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = Path(os.environ.get("SILSON_BROWSER_NOTEBOOKS", REPO / "notebooks"))
BIN = Path(sys.executable).parent
CHROMIUM = Path(os.environ.get("SILSON_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NANUM_FILES = (
    Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf"),
    Path("/usr/share/fonts/opentype/nanum/NanumGothic.otf"),
)
PRESENT = REPO / "scripts" / "present.sh"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
NEWS = "@jupyterlab/apputils-extension:announcements"
FIX = "run `make browser-deps` (as root: apt-get update && apt-get install -y chromium fonts-nanum)"


# --- prerequisites ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """The system Chromium; fails (never skips) with the install command when missing."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"Chromium not found at {CHROMIUM}: {FIX}", pytrace=False)
    if not any(p.is_file() for p in NANUM_FILES):
        fc = shutil.which("fc-list")
        listed = (
            fc and "nanum" in subprocess.run([fc], capture_output=True, text=True).stdout.lower()
        )
        if not listed:
            pytest.fail(f"Korean font NanumGothic not installed: {FIX}", pytrace=False)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[object]:
    """Headless system Chromium driven by Playwright (no downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@dataclass
class BrowserPage:
    """A page plus the JavaScript errors it raised (``pageerror``)."""

    page: object
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    """Requests to anywhere but 127.0.0.1, aborted by the route below."""

    def assert_no_js_errors(self) -> None:
        assert not self.errors, "JavaScript errors on the page:\n" + "\n".join(self.errors)


@pytest.fixture
def bpage(browser) -> Iterator[BrowserPage]:
    """A fresh browser context and page (Korean locale, laptop-projector size)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(60_000)
    wrapped = BrowserPage(page)
    page.on("pageerror", lambda err: wrapped.errors.append(str(err)))
    # Only loopback: Voilà's page asks a CDN for an icon font, which cannot be reached
    # here and would stall the load. Blocking it also proves nothing leaves the machine.
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(
                ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")
            )
            else (wrapped.blocked.append(route.request.url), route.abort())[1]
        ),
    )
    try:
        yield wrapped
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Folder for screenshots (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


# --- servers ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    """PIDs whose parent is ``pid`` (the kernels a server launched)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name may contain spaces; the ppid is the 2nd field after ')'
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead for our purpose
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@dataclass
class Server:
    """A Jupyter-family server we started: its URL, token, PID and log."""

    name: str
    url: str
    token: str
    proc: subprocess.Popen
    log: Path
    root: Path | None = None
    """The folder the server serves (a temporary copy of notebooks/)."""
    kernel_api: bool = True
    kernel_pids: set[int] = field(default_factory=set)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def api(self, method: str, path: str) -> object:
        req = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
            is_json = "json" in resp.headers.get("Content-Type", "")
        return json.loads(body) if body and is_json else body

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def wait_ready(self, path: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(
                    f"{self.name} exited with code {self.proc.returncode}:\n{self.log_tail()}",
                    pytrace=False,
                )
            try:
                self.api("GET", path)
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        self.stop()
        pytest.fail(f"{self.name} did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def note_kernels(self) -> None:
        """Remember the server's kernel processes (children) so teardown can check them."""
        if self.proc.poll() is None:
            self.kernel_pids.update(_children(self.pid))

    def shutdown_kernels(self) -> None:
        """Shut every kernel of this server down through the REST API."""
        self.note_kernels()
        if not self.kernel_api or self.proc.poll() is not None:
            return
        try:
            for kernel in self.api("GET", "/api/kernels") or []:
                self.api("DELETE", f"/api/kernels/{kernel['id']}")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass

    def stop(self) -> list[int]:
        """Stop kernels and the server by PID; return kernel PIDs that had to be killed."""
        self.shutdown_kernels()
        self.note_kernels()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        leftovers = []
        deadline = time.monotonic() + 5
        for pid in sorted(self.kernel_pids):
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if _alive(pid):
                leftovers.append(pid)
                os.kill(pid, signal.SIGKILL)
        return leftovers


def _start(
    name: str, argv: list[str], env: dict[str, str], log: Path, cwd: Path
) -> subprocess.Popen:
    """Start a server process directly (no shell): the Popen PID is the server's PID."""
    with log.open("wb") as out:
        return subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )


OPENED = ("01_shrink_zones.ipynb", "07_exercises.ipynb")
"""The notebooks the browser tests open (and run, and change in the served copy)."""


def _fingerprints(folder: Path) -> dict[str, bytes]:
    return {
        name: hashlib.sha256((folder / name).read_bytes()).digest()
        for name in OPENED
        if (folder / name).is_file()
    }


@pytest.fixture(scope="session")
def served_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A throwaway copy of notebooks/ (plus a link to data/) for the servers to work in.

    Teardown checks that the committed notebooks were not changed by the session.
    """
    before = _fingerprints(NOTEBOOKS)
    root = tmp_path_factory.mktemp("served")
    target = root / "notebooks"
    shutil.copytree(NOTEBOOKS, target, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (root / "data").symlink_to(REPO / "data", target_is_directory=True)
    yield target
    after = _fingerprints(NOTEBOOKS)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"the browser tests changed committed notebooks: {changed}"


def _base_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["JUPYTER_CONFIG_DIR"] = str(home / "config")
    env["JUPYTER_RUNTIME_DIR"] = str(home / "runtime")
    env["JUPYTERLAB_SETTINGS_DIR"] = str(home / "settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(home / "workspaces")
    env["IPYTHONDIR"] = str(home / "ipython")
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env.pop("JUPYTER_TOKEN", None)
    return env


@pytest.fixture(scope="session")
def lab(
    chromium_path: Path, served_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """JupyterLab on 127.0.0.1 with a token, private dirs, no news pop-up, no autosave."""
    home = tmp_path_factory.mktemp("lab-home")
    env = _base_env(home)
    labconfig = home / "config" / "labconfig"
    labconfig.mkdir(parents=True)
    (labconfig / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {NEWS: True}, "lockedExtensions": {NEWS: True}})
    )
    docmanager = home / "settings" / "@jupyterlab" / "docmanager-extension"
    docmanager.mkdir(parents=True)
    (docmanager / "plugin.jupyterlab-settings").write_text(json.dumps({"autosave": False}))
    token = secrets.token_hex(16)
    port = _free_port()
    argv = [
        str(BIN / "jupyter-lab"),
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={served_dir}",
        "--LabApp.news_url=",
        "--LabApp.extension_manager=readonly",
    ]
    log = home / "lab.log"
    server = Server(
        "JupyterLab",
        f"http://127.0.0.1:{port}",
        token,
        _start("lab", argv, env, log, served_dir),
        log,
        root=served_dir,
    )
    try:
        server.wait_ready("/api/status")
        yield server
    finally:
        leftovers = server.stop()
        assert not leftovers, f"JupyterLab left kernels running (killed): {leftovers}"


@pytest.fixture(scope="session")
def voila(
    chromium_path: Path, served_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """``make present``'s server (scripts/present.sh: Voilà, code hidden, 127.0.0.1, idle
    kernels culled) over the temporary copy, plus a token. The script ``exec``s Voilà, so
    the PID we hold is the server's."""
    home = tmp_path_factory.mktemp("voila-home")
    env = {**_base_env(home), "BIN": str(BIN), "PRESENT_CULL": "300"}
    token = secrets.token_hex(16)
    port = _free_port()
    argv = [
        "/bin/sh",
        str(PRESENT),
        str(served_dir),
        str(port),
        f"--token={token}",
        "--Voila.port_retries=0",
    ]
    log = home / "voila.log"
    server = Server(
        "Voilà",
        f"http://127.0.0.1:{port}",
        token,
        _start("voila", argv, env, log, served_dir),
        log,
        root=served_dir,
        kernel_api=False,
    )
    try:
        server.wait_ready("/")
        yield server
    finally:
        leftovers = server.stop()
        assert not leftovers, f"Voilà left kernels running (killed): {leftovers}"


@pytest.fixture
def lab_session(lab: Server) -> Iterator[Server]:
    """The shared JupyterLab for one test; the test's kernels are shut down afterwards."""
    yield lab
    lab.shutdown_kernels()
