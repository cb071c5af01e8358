"""Run one submission's grading fenced in: loopback only, bounded time, memory and writes.

Three layers, each used where the OS allows it (``probe()`` finds out, once):

* **Network and processes** -- the whole worker (``nbgrader autograde`` for one
  student, and the kernel it starts) runs under ``unshare --net --pid --fork
  --kill-child``: a new network namespace holding only ``lo`` (brought up here,
  so loopback servers work and nothing else is reachable), and a new PID namespace,
  so killing the worker kills every process the submission started, even daemonised
  ones. Unprivileged users get the same with ``unshare -r`` (a user namespace)
  where the kernel permits it.
* **Memory and files** -- the kernel is started through a private kernel spec
  (``python -m socketlab.grading.isolate kernel``) that sets ``RLIMIT_AS`` (memory),
  ``RLIMIT_FSIZE`` (largest file) and ``RLIMIT_CORE`` before starting ipykernel; the
  nbgrader process gets a larger ``RLIMIT_AS`` so a flood of output cannot eat the
  machine.
* **Writes** -- on Linux >= 5.13 with Landlock enabled, the worker and the kernel
  may write only inside the worker's scratch folder (a private copy of the course
  holding just this submission) and ``/dev/shm``, ``/dev/null``; reading stays
  allowed everywhere. HOME, TMPDIR, IPYTHONDIR, MPLCONFIGDIR and the Jupyter
  folders point into the scratch folder; the rest of the environment is the minimal
  one workers.py passes (none of the grader's other variables).

Wall-clock time is bounded by the caller (workers.py), which kills the worker's
process group (and with it the PID namespace) when the per-submission limit passes.

Not protected: code can read any file the grading user can read, including the
hidden tests it runs beside and the instructor's solutions; it can use CPU until the
wall-clock limit; without Landlock it can write wherever the grading user can.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import resource
import shutil
import socket
import struct
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from socketlab.grading.limits import MB, Limits

__all__ = ["Sandbox", "probe", "landlock_abi"]


# ---------------------------------------------------------------- probing (parent side)

@dataclass
class Sandbox:
    """How workers are wrapped: a command prefix, and what it does not protect."""

    prefix: list[str] = field(default_factory=list)
    network: bool = False  # a private network namespace (loopback only)
    pid_namespace: bool = False
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = []
        parts.append("loopback-only network" if self.network else "NO network isolation")
        parts.append("private PID namespace" if self.pid_namespace else "process-group kill only")
        return ", ".join(parts)


_LO_CHECK = ("import socketlab.grading.isolate as i; i.loopback_up(); "
             "import socket; s = socket.create_server(('127.0.0.1', 0)); "
             "c = socket.create_connection(s.getsockname(), timeout=2); "
             "print(len(socket.if_nameindex()))")


def probe(enabled: bool = True) -> Sandbox:
    """Find the strongest wrapper this machine allows (tried for real, in a few ms)."""
    if not enabled:
        return Sandbox(warnings=["isolation switched off (--no-isolation): submissions run with the grader's "
                                 "network and permissions; only the time and memory limits apply"])
    if not sys.platform.startswith("linux"):
        return Sandbox(warnings=[f"no network/PID isolation on {sys.platform}: only time and memory limits apply"])
    unshare = shutil.which("unshare")
    if not unshare:
        return Sandbox(warnings=["`unshare` (util-linux) not found: grading without network isolation"])
    tried = []
    for userns in ([], ["--user", "--map-root-user"]):
        prefix = [unshare, *userns, "--net", "--pid", "--fork", "--kill-child"]
        try:
            done = subprocess.run([*prefix, sys.executable, "-c", _LO_CHECK], capture_output=True, text=True,
                                  timeout=20)
        except (OSError, subprocess.TimeoutExpired) as exc:
            tried.append(str(exc))
            continue
        if done.returncode == 0 and done.stdout.strip() == "1":
            sandbox = Sandbox(prefix=prefix, network=True, pid_namespace=True)
            if userns:
                sandbox.warnings.append("not root: using an unprivileged user namespace (unshare -r)")
            return sandbox
        tried.append((done.stderr.strip().splitlines() or ["?"])[-1])
    return Sandbox(warnings=["cannot create network/PID namespaces here (" + "; ".join(tried)
                             + "): grading without network isolation"])


def loopback_up() -> None:
    """Bring ``lo`` up (it starts down in a new network namespace); harmless when already up."""
    siocgifflags, siocsifflags, iff_up = 0x8913, 0x8914, 0x1
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(sock, siocgifflags, request))[1]
        if not flags & iff_up:
            fcntl.ioctl(sock, siocsifflags, struct.pack("16sH14x", b"lo", flags | iff_up))


# ---------------------------------------------------------------- Landlock (write fence)

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446  # same on x86_64 and aarch64
_PR_SET_NO_NEW_PRIVS = 38
# LANDLOCK_ACCESS_FS_*: every right that changes the file system (reads stay unrestricted).
_WRITE_FILE, _REMOVE_DIR, _REMOVE_FILE = 1 << 1, 1 << 4, 1 << 5
_MAKE_ALL = sum(1 << bit for bit in range(6, 13))  # char, dir, reg, sock, fifo, block, sym
_REFER, _TRUNCATE = 1 << 13, 1 << 14


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def landlock_abi() -> int:
    """The Landlock ABI version the running kernel offers (0: none)."""
    if not sys.platform.startswith("linux"):
        return 0
    libc = _libc()
    libc.syscall.restype = ctypes.c_long
    abi = libc.syscall(ctypes.c_long(_SYS_CREATE_RULESET), None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    return max(int(abi), 0)


def landlock_writes_only(paths: list[Path]) -> str:
    """Forbid this process and its children to change files outside ``paths``; '' or why not."""
    abi = landlock_abi()
    if abi < 1:
        return "Landlock is not available in this kernel: writes outside the scratch folder are not blocked"
    libc = _libc()
    libc.syscall.restype = ctypes.c_long
    handled = _WRITE_FILE | _REMOVE_DIR | _REMOVE_FILE | _MAKE_ALL
    if abi >= 2:
        handled |= _REFER
    if abi >= 3:
        handled |= _TRUNCATE
    attr = struct.pack("Q", handled)
    ruleset = libc.syscall(ctypes.c_long(_SYS_CREATE_RULESET), attr, ctypes.c_size_t(len(attr)),
                           ctypes.c_uint32(0))
    if ruleset < 0:
        return f"Landlock ruleset failed (errno {ctypes.get_errno()})"
    try:
        for path in paths:
            if not path.exists():
                continue
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            try:
                rights = handled if path.is_dir() else (_WRITE_FILE | (_TRUNCATE if abi >= 3 else 0))
                rule = struct.pack("=Qi", rights, fd)  # struct landlock_path_beneath_attr is packed
                if libc.syscall(ctypes.c_long(_SYS_ADD_RULE), ctypes.c_int(ruleset), ctypes.c_int(1), rule,
                                ctypes.c_uint32(0)) < 0:
                    return f"Landlock rule for {path} failed (errno {ctypes.get_errno()})"
            finally:
                os.close(fd)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return "prctl(NO_NEW_PRIVS) failed"
        if libc.syscall(ctypes.c_long(_SYS_RESTRICT_SELF), ctypes.c_int(ruleset), ctypes.c_uint32(0)) < 0:
            return f"Landlock restrict failed (errno {ctypes.get_errno()})"
    finally:
        os.close(ruleset)
    return ""


# ---------------------------------------------------------------- worker and kernel (child side)

def _limit(kind: int, value: int) -> None:
    soft, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(kind, (value, value if hard == resource.RLIM_INFINITY else hard))


def _kernel_spec(scratch: Path, limits: Limits) -> Path:
    """A private 'python3' kernel spec that starts ipykernel under limits; returns the JUPYTER_PATH dir."""
    data = scratch / "jupyter"
    spec = data / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "socketlab.grading.isolate", "kernel", "--memory-mb", str(limits.memory_mb),
            "--file-mb", str(limits.file_mb), "--", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps(
        {"argv": argv, "display_name": "Python 3 (graded, limited)", "language": "python"}))
    return data


def worker(argv: list[str]) -> None:
    """Autograde the current folder's submissions (a private course copy), fenced in: one
    student's with --student, else every one there. Progress goes to --events-fd (workers.py)."""
    import argparse

    from socketlab.grading.nbgrader_run import tools_on_path
    from socketlab.grading.workers import autograde_reporting

    parser = argparse.ArgumentParser(prog="socketlab.grading.isolate worker")
    parser.add_argument("--assignment", required=True)
    parser.add_argument("--student", help="grade only this student (default: all in this course copy)")
    parser.add_argument("--scratch", required=True, type=Path)
    parser.add_argument("--memory-mb", type=int, default=Limits.memory_mb)
    parser.add_argument("--file-mb", type=int, default=Limits.file_mb)
    parser.add_argument("--events-fd", type=int, required=True, help="pipe to the grader (one JSON event a line)")
    parser.add_argument("--net", action="store_true", help="we are in a new network namespace: bring lo up")
    options = parser.parse_args(argv)
    limits = Limits(memory_mb=options.memory_mb, file_mb=options.file_mb)
    scratch = options.scratch.resolve()
    if options.net:
        loopback_up()
    env = os.environ
    # matplotlib's font list takes seconds to build: start from the grader's (read-only use).
    cache = Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    mpl_cache = Path(env.get("MPLCONFIGDIR") or cache / "matplotlib")
    (scratch / "mpl").mkdir(parents=True, exist_ok=True)
    for fontlist in mpl_cache.glob("fontlist-*.json"):
        shutil.copy(fontlist, scratch / "mpl")
    for name, sub in [("HOME", "home"), ("TMPDIR", "tmp"), ("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "mpl"),
                      ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTER_CONFIG_DIR", "jupyter-config")]:
        (scratch / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(scratch / sub)
    env["JUPYTER_PATH"] = str(_kernel_spec(scratch, limits))
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    tools_on_path()
    # The grading process holds every output the kernel sends: bound it too (output floods).
    _limit(resource.RLIMIT_AS, limits.grader_memory_mb * MB)
    _limit(resource.RLIMIT_CORE, 0)
    landlock = landlock_writes_only([scratch, Path("/dev/shm"), Path("/dev/null")]) or "ok"
    with os.fdopen(os.dup(options.events_fd), "w") as events:
        events.write(json.dumps({"event": "sandbox", "landlock": landlock}) + "\n")
    sys.exit(autograde_reporting(options.assignment, options.student, options.events_fd))


def kernel(argv: list[str]) -> None:
    """Start ipykernel (arguments after ``--``) under memory/file-size limits."""
    import argparse

    split = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser(prog="socketlab.grading.isolate kernel")
    parser.add_argument("--memory-mb", type=int, default=Limits.memory_mb)
    parser.add_argument("--file-mb", type=int, default=Limits.file_mb)
    options = parser.parse_args(argv[:split])
    _limit(resource.RLIMIT_AS, options.memory_mb * MB)
    _limit(resource.RLIMIT_FSIZE, options.file_mb * MB)
    _limit(resource.RLIMIT_CORE, 0)
    # Fewer malloc arenas: address space then tracks real use (each thread's arena reserves 64 MB).
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *argv[split + 1:]])


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["worker"]:
        worker(argv[1:])
    elif argv[:1] == ["kernel"]:
        kernel(argv[1:])
    else:
        sys.exit("usage: python -m socketlab.grading.isolate worker|kernel ...")


if __name__ == "__main__":
    main()
