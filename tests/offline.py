"""Run a command with no network but loopback and no name server:

    python tests/offline.py COMMAND [ARG ...]

`make test` runs the suite this way, which proves that no notebook cell and no test needs
anything beyond loopback, not even a DNS query: in a fresh network namespace only `lo`
exists, and an empty /etc/resolv.conf (bound over the real one in a private mount
namespace) leaves glibc no name server to ask. SOCKETLAB_OFFLINE=1 tells the tests that
the fence is up. The grading tests also run each `nbgrader autograde` through it (conftest's
OWN_NETWORK), so kernels of parallel test workers never share a network. Where it cannot be
had (not root, no `unshare`, not Linux), the command runs as it is, after one line saying so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def fence_and_run(command: list[str]) -> None:
    """Inside the new namespaces: lo up, no resolver, then become ``command``."""
    from socketlab.grading.isolate import loopback_up

    loopback_up()
    subprocess.run(["mount", "--bind", "/dev/null", "/etc/resolv.conf"], check=True)
    os.environ["SOCKETLAB_OFFLINE"] = "1"
    os.execvp(command[0], command)


def why_not() -> str:
    """Why the fence can't be had here, or '' when it can."""
    if not sys.platform.startswith("linux"):
        return "not Linux"
    if os.geteuid() != 0:
        return "not root"
    if not shutil.which("unshare") or not shutil.which("mount"):
        return "no unshare or mount command"
    probe = subprocess.run(["unshare", "--net", "--mount", "true"], capture_output=True, text=True)
    return probe.stderr.strip() if probe.returncode else ""


def main(argv: list[str]) -> None:
    if argv[:1] == ["--inside"]:
        fence_and_run(argv[1:])
    reason = why_not()
    if reason:
        print(f"tests/offline.py: running with the machine's network ({reason})", flush=True)
        os.execvp(argv[0], argv)
    os.execvp("unshare", ["unshare", "--net", "--mount", "--", sys.executable, __file__, "--inside", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
