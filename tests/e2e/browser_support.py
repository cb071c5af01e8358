"""What tests/e2e/test_browser.py needs: a private JupyterLab server, a headless Chromium, screenshots.

The browser is Debian's ``chromium`` package driven by Playwright (Playwright's own
browser download is not used). Everything here is bounded: every wait has a
timeout, and the server and its kernels are killed at the end whatever happens.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

from socketlab.grading.processes import kill_tree

CHROMIUM = Path(os.environ.get("SOCKETLAB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
HOW_TO_ENABLE = ("browser tests need Debian's Chromium and Playwright for Python: "
                 "`apt-get install -y chromium` and `pip install -e '.[test]'` (.ci/run does both)")

# Settings a fresh JupyterLab would otherwise ask about or fetch from the network:
# the "receive official Jupyter news?" toast and the update check.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        '{"fetchNews": "false", "checkForUpdates": false}',
}


def missing_requirements() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if importlib.util.find_spec("playwright") is None:
        return f"Playwright is not installed; {HOW_TO_ENABLE}"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM}; {HOW_TO_ENABLE}"
    return None


@contextlib.contextmanager
def chromium_browser(shots: Path, timeout_ms: int) -> Iterator:
    """Headless Chromium (Debian's) for a test module; its screenshots folder ``shots`` starts empty."""
    from playwright.sync_api import sync_playwright

    shutil.rmtree(shots, ignore_errors=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=timeout_ms)
        try:
            yield chromium
        finally:
            chromium.close()


def read_tail(path: Path, chars: int) -> str:
    """The last ``chars`` characters of a server's log."""
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return "(no log)"


def wait_until_up(proc: subprocess.Popen, url: str, what: str, timeout: float, tail, pause: float = 0.25) -> None:
    """Until ``url`` answers 200; fails with the log's ``tail()`` when ``proc`` exits or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}:\n{tail()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(pause)
    raise TimeoutError(f"{what} did not answer within {timeout:.0f} s:\n{tail()}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterLab:
    """``jupyter lab [args]`` run in ``root``, but private: bound to 127.0.0.1 on a free
    port, with a token, no browser, and Jupyter/IPython config, data and runtime folders
    inside ``home`` (so nothing of the user's is read or written)."""

    def __init__(self, root: Path, home: Path, args: list[str] = (), start_timeout: float = 60.0,
                 mode: str = ""):
        self.root, self.home, self.args, self.start_timeout = root, home, list(args), start_timeout
        self.mode = mode  # "learner" or "instructor": jupyter/<mode>/, as make lab and make teach use
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.log_path = home / "jupyterlab.log"
        self.proc: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        bin_dir = str(Path(sys.executable).parent)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON"))}
        env.update(
            PATH=os.pathsep.join([bin_dir, os.environ.get("PATH", "")]),
            JUPYTER_CONFIG_DIR=str(self.home / "config"),
            JUPYTER_DATA_DIR=str(self.home / "data"),
            JUPYTER_RUNTIME_DIR=str(self.home / "runtime"),
            IPYTHONDIR=str(self.home / "ipython"),
        )
        if self.mode:
            env["JUPYTER_CONFIG_PATH"] = str(self.root / "jupyter" / self.mode)
        return env

    def prepare_home(self) -> None:
        config = self.home / "config"
        for name, text in LAB_SETTINGS.items():
            target = config / "lab" / "user-settings" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        # nbgrader's assignment list would look in /srv/nbgrader/exchange otherwise.
        (self.home / "exchange").mkdir(parents=True, exist_ok=True)
        (config / "nbgrader_config.py").write_text(
            f"c = get_config()\nc.Exchange.root = {str(self.home / 'exchange')!r}\n")

    def url(self, path: str = "lab") -> str:
        sep = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}{sep}token={self.token}"

    def start(self) -> None:
        self.prepare_home()
        jupyter = Path(sys.executable).parent / "jupyter"
        cmd = [str(jupyter) if jupyter.exists() else "jupyter", "lab", "--no-browser",
               "--ip=127.0.0.1", f"--port={self.port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={self.token}", *self.args]
        if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
            cmd.append("--allow-root")
        log = open(self.log_path, "wb")  # noqa: SIM115 (closed with the process)
        self.proc = subprocess.Popen(cmd, cwd=self.root, env=self.env(), stdin=subprocess.DEVNULL,
                                     stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        wait_until_up(self.proc, self.url("api/status"), "jupyter lab", self.start_timeout, self.log_tail)

    def log_tail(self, chars: int = 3000) -> str:
        return read_tail(self.log_path, chars)

    def stop(self) -> None:
        if self.proc is not None:
            kill_tree(self.proc, grace=10.0)  # SIGTERM first: Jupyter shuts its kernels down

    def __enter__(self) -> "JupyterLab":
        for attempt in range(3):
            try:
                self.start()
                return self
            except RuntimeError:
                self.stop()
                # The free port was taken between free_port() and the server's bind: another.
                if attempt == 2 or "already in use" not in self.log_tail():
                    raise
                self.port = free_port()
            except BaseException:
                self.stop()
                raise
        raise AssertionError("unreachable")

    def __exit__(self, *exc) -> None:
        self.stop()


class Steps:
    """Numbered steps, each leaving a screenshot ``NN-name.png`` (``NN-name-FAILED.png``
    when it raised, taken at that moment) in ``folder``."""

    def __init__(self, page, folder: Path, prefix: str = ""):
        self.page, self.folder, self.prefix, self.count = page, folder, prefix, 0
        folder.mkdir(parents=True, exist_ok=True)
        self.shots: list[Path] = []

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        self.count += 1
        stem = f"{self.prefix}{self.count:02d}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}"
        start = time.monotonic()
        try:
            yield
        except BaseException:
            self.shoot(f"{stem}-FAILED")
            print(f"step {stem} FAILED after {time.monotonic() - start:.1f} s; "
                  f"screenshot: {self.folder / stem}-FAILED.png", file=sys.stderr)
            raise
        self.shoot(stem)
        print(f"step {stem}: {time.monotonic() - start:.1f} s")

    def shoot(self, stem: str) -> None:
        path = self.folder / f"{stem}.png"
        try:
            self.page.screenshot(path=str(path), timeout=10_000)
            self.shots.append(path)
        except Exception as exc:  # a failed screenshot must not hide the real failure
            print(f"screenshot {path.name} failed: {exc}", file=sys.stderr)


def copy_course(source: Path, target: Path) -> Path:
    """A throwaway copy of the course: nbgrader_config.py, solutions/, notebooks/ and the
    JupyterLab modes (jupyter/)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "nbgrader_config.py", target)
    for folder in ("solutions", "notebooks", "jupyter"):
        shutil.copytree(source / folder, target / folder,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return target
