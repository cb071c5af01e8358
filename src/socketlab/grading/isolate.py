"""Run one submission's grading fenced in: loopback only, bounded time, memory and writes.

Layers, each used where the OS allows it (``probe()`` and ``fence_works()`` find out):

* **Network and processes** -- the whole worker (``nbgrader autograde`` for a chunk of
  submissions, and the kernels it starts) runs under ``unshare --net --pid --fork
  --kill-child``: a new network namespace holding only ``lo`` (brought up here,
  so loopback servers work and nothing else is reachable), and a new PID namespace,
  so killing the worker kills every process the submissions started. Unprivileged
  users get the same with ``unshare -r`` (a user namespace) where the kernel permits it.
* **One sandbox per submission** -- where bubblewrap (Debian ``bubblewrap``) works, each
  submission's kernel runs in its own ``bwrap`` sandbox, as user ``nobody`` with no
  capabilities: it sees the system's programs and libraries, Python and the course's
  packages read-only, and a copy of its notebook folder (``kernel_folder``: no
  notebooks, so not the hidden tests, and no links), mounted where nbgrader runs it, so
  nothing it writes reaches the folder nbgrader, as root, writes and chmods; not the
  course folder (solutions, gradebook, other submissions, the worker's files), not the
  grader's home, not ``/etc/shadow`` or host sockets. Its ``/tmp``, ``/dev/shm`` and home are private and
  empty, its environment minimal, and every process it starts dies with it (its own PID
  namespace).
* **Memory and files** -- ``RLIMIT_AS`` (memory), ``RLIMIT_FSIZE`` (largest file) and
  ``RLIMIT_CORE`` are set before ipykernel starts (inside the sandbox by ``prlimit``); the nbgrader process gets
  a larger ``RLIMIT_AS`` so a flood of output cannot eat the machine.
* **Writes, without bubblewrap** -- on Linux >= 5.13 with Landlock enabled, the worker
  and the kernels may write only inside the worker's scratch folder (a private copy of
  the course holding just its chunk) and ``/dev/shm``, ``/dev/null``. The worker's
  environment is the minimal one workers.py passes (none of the grader's other variables).

Wall-clock time is bounded by the caller (workers.py), which kills the worker's
process group (and with it the PID namespace) when the per-submission limit passes.

Not protected: code in the kernel runs beside the test cells, in the same process, so it
can change what they check and see their code (a sealed judge is the remedy); it can use
CPU until the wall-clock limit, and processes and files without a limit for the whole
submission. Without bubblewrap it can read any file the grading user can read, including
the hidden tests and the solutions, and write wherever Landlock (if any) allows, its
chunk-mates' private copies included.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import resource
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
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
        # --mount-proc: a /proc of the new PID namespace (bwrap, for one, reads its own entry there)
        prefix = [unshare, *userns, "--net", "--pid", "--fork", "--kill-child", "--mount-proc"]
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

def _capped(kind: int, value: int) -> int:
    """``value``, but never above this process's hard limit of ``kind`` (which it cannot raise)."""
    hard = resource.getrlimit(kind)[1]
    return value if hard == resource.RLIM_INFINITY else min(value, hard)


def _limit(kind: int, value: int) -> None:
    hard = resource.getrlimit(kind)[1]
    value = _capped(kind, value)
    resource.setrlimit(kind, (value, value if hard == resource.RLIM_INFINITY else hard))


def _kernel_spec(scratch: Path, limits: Limits, fence: bool) -> Path:
    """A private 'python3' kernel spec that starts ipykernel under limits (in its own sandbox
    when ``fence``); returns the JUPYTER_PATH dir."""
    data = scratch / "jupyter"
    spec = data / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "socketlab.grading.isolate", "kernel", "--memory-mb", str(limits.memory_mb),
            "--file-mb", str(limits.file_mb), *(["--fence"] if fence else []), "--", "-f", "{connection_file}"]
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
    try:
        for fontlist in mpl_cache.glob("fontlist-*.json"):
            shutil.copy(fontlist, scratch / "mpl")
    except OSError:  # not ours to read (a user namespace's uid 0 looks in /root): matplotlib builds its own
        pass
    for name, sub in [("HOME", "home"), ("TMPDIR", "tmp"), ("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "mpl"),
                      ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTER_CONFIG_DIR", "jupyter-config")]:
        (scratch / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(scratch / sub)
    fenced = fence_works()
    env["JUPYTER_PATH"] = str(_kernel_spec(scratch, limits, fenced))
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    tools_on_path()
    # The grading process holds every output the kernel sends: bound it too (output floods).
    _limit(resource.RLIMIT_AS, limits.grader_memory_mb * MB)
    _limit(resource.RLIMIT_CORE, 0)
    # Each kernel in its own bubblewrap sandbox, or else Landlock (which would forbid bwrap's mounts).
    landlock = "ok" if fenced else landlock_writes_only([scratch, Path("/dev/shm"), Path("/dev/null")]) or "ok"
    with os.fdopen(os.dup(options.events_fd), "w") as events:
        events.write(json.dumps({"event": "sandbox", "landlock": landlock,
                                 "kernel": "bubblewrap" if fenced else "shared"}) + "\n")
    sys.exit(autograde_reporting(options.assignment, options.student, options.events_fd))


# ---------------------------------------------------------------- one sandbox per kernel (bubblewrap)

NOBODY = 65534
JUDGE_DIR = "SOCKETLAB_JUDGE_DIR"  # set by socketlab.judge.execute while a notebook is judged
# bwrap makes the sandbox's folders (/etc, the parents of each bound path) with the caller's
# umask: with 077 nobody could not reach them.
SANDBOX_UMASK = 0o022
# What a kernel may read of /etc: names, services and protocols, the loader's cache, time zone.
ETC = ("hosts", "passwd", "group", "nsswitch.conf", "services", "protocols", "ld.so.cache", "localtime",
       "host.conf", "gai.conf")
SANDBOX_ENV = {"HOME": "/tmp/home", "TMPDIR": "/tmp", "IPYTHONDIR": "/tmp/ipython", "MPLCONFIGDIR": "/tmp/mpl",
               "PYTHONDONTWRITEBYTECODE": "1", "MALLOC_ARENA_MAX": "2", "LANG": "C.UTF-8",
               "PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"}


def _package_root() -> Path:
    """The folder socketlab is imported from (src/ of an editable install, else site-packages)."""
    import socketlab

    return Path(socketlab.__file__).resolve().parent.parent


def write_bytecode() -> None:
    """Compile socketlab's modules where they are not yet (quietly; not where it may not write).
    Each sandboxed process imports them and may not write bytecode itself (read-only, and
    PYTHONDONTWRITEBYTECODE), so it would compile them again: ~0.14 s of CPU a submission."""
    import compileall

    compileall.compile_dir(Path(__file__).resolve().parents[1], quiet=2)


def _readable_roots() -> list[Path]:
    """What the kernel must read: the interpreter, the environment's packages, socketlab itself."""
    return sorted({Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), _package_root()})


def fence_command(inner: list[str], folder: Path, readable: list[Path] | None = None,
                  extra: tuple[tuple[str, str], ...] = (), own: Path | None = None,
                  shared: Path | None = None) -> list[str]:
    """``inner`` run in a bubblewrap sandbox as nobody, seeing ``folder`` (read-write; the
    folder ``own`` mounted there when given), the system read-only, each ``extra``
    (source, target) read-only and ``shared`` (the judge's folder, read-write, at the same
    path); nothing else of this machine's files."""
    # No --new-session: nbgrader interrupts a hanging cell by signalling the kernel's process group.
    cmd = ["bwrap", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent",
           "--clearenv", "--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev",
           "--ro-bind-try", "/sys", "/sys", "--perms", "1777", "--tmpfs", "/tmp",
           "--perms", "1777", "--tmpfs", "/dev/shm", "--perms", "1777", "--dir", SANDBOX_ENV["MPLCONFIGDIR"]]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        top = Path("/") / name
        if top.is_symlink():
            cmd += ["--symlink", os.readlink(top), str(top)]
        elif top.is_dir():
            cmd += ["--ro-bind", str(top), str(top)]
    made = {Path(SANDBOX_ENV["MPLCONFIGDIR"])}  # made above, writable: matplotlib refuses a read-only one

    def parents(target: Path) -> list[str]:  # bwrap would make them 0700 here: nobody could not pass
        ops = []
        for parent in reversed(target.parents[:-1]):
            if parent not in made and str(parent) not in ("/usr", "/tmp", "/dev", "/proc", "/sys"):
                made.add(parent)
                ops += ["--perms", "0755", "--dir", str(parent)]
        return ops

    for name in ETC:
        cmd += [*parents(Path("/etc") / name), "--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    for root in readable or _readable_roots():
        cmd += [*parents(root), "--ro-bind", str(root), str(root)]
    for source, target in extra:
        cmd += [*parents(Path(target)), "--ro-bind", source, target]
    if shared is not None:
        cmd += [*parents(shared), "--bind", str(shared), str(shared)]
    cmd += [*parents(folder), "--bind", str(own or folder), str(folder), "--chdir", str(folder)]
    for key, value in {**SANDBOX_ENV, "PYTHONPATH": str(_package_root())}.items():
        cmd += ["--setenv", key, value]
    # Root inside only long enough for setpriv to become nobody and drop every capability.
    cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--",
            "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--inh-caps=-all",
            "--bounding-set=-all", "--", *inner]
    return cmd


def fence_works() -> bool:
    """Whether bubblewrap can start a process as nobody here (root, bwrap and setpriv present)."""
    if os.geteuid() != 0 or not shutil.which("bwrap") or not shutil.which("setpriv"):
        return False
    with tempfile.TemporaryDirectory() as folder:
        probe_cmd = fence_command([sys.executable, "-c", "import os; print(os.getuid())"], Path(folder))
        try:
            done = subprocess.run(probe_cmd, capture_output=True, text=True, timeout=20, umask=SANDBOX_UMASK)
        except (OSError, subprocess.TimeoutExpired):
            return False
    return done.returncode == 0 and done.stdout.strip() == str(NOBODY)


def kernel_folder(folder: Path) -> Path:
    """A copy of ``folder`` (nbgrader's, where it writes the executed notebook and whose files
    it chmods, as root) for the sandboxed kernel: its regular files and folders, not the
    notebooks (the one being graded holds the hidden tests) and not symbolic links. The
    kernel's only writable place, owned by nobody; what it writes there reaches nothing."""
    own = copy_without_notebooks(folder, Path(tempfile.mkdtemp(prefix="kernel-folder-")))
    os.chown(own, NOBODY, NOBODY)
    return own


def copy_without_notebooks(folder: Path, target: Path) -> Path:
    """``folder``'s regular files and folders copied into ``target``, less its notebooks and links."""
    shutil.copytree(folder, target, dirs_exist_ok=True, ignore=lambda top, names: [
        name for name in names if (Path(top) / name).is_symlink() or
        (Path(top) == folder and name.endswith(".ipynb"))])
    return target


def _limits_inside(memory_mb: int, file_mb: int) -> list[str]:
    """``prlimit`` (util-linux) setting the kernel's limits inside the sandbox: no second Python
    starts there just to call setrlimit. A limit is never raised above this process's own."""
    return ["prlimit", f"--as={_capped(resource.RLIMIT_AS, memory_mb * MB)}",
            f"--fsize={_capped(resource.RLIMIT_FSIZE, file_mb * MB)}", "--core=0", "--"]


def _font_lists() -> tuple[tuple[str, str], ...]:
    """The grader's matplotlib font lists, bound read-only into the sandbox's MPLCONFIGDIR
    (building one takes seconds of CPU, in every kernel that draws)."""
    folder = Path(os.environ.get("MPLCONFIGDIR", "") or "/nonexistent")
    target = SANDBOX_ENV["MPLCONFIGDIR"]
    return tuple((str(path), f"{target}/{path.name}") for path in sorted(folder.glob("fontlist-*.json")))


def kernel(argv: list[str]) -> None:
    """Start ipykernel (arguments after ``--``) under memory/file-size limits; with ``--fence``,
    in a bubblewrap sandbox of its own (see the module's docstring)."""
    import argparse

    split = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser(prog="socketlab.grading.isolate kernel")
    parser.add_argument("--memory-mb", type=int, default=Limits.memory_mb)
    parser.add_argument("--file-mb", type=int, default=Limits.file_mb)
    parser.add_argument("--fence", action="store_true", help="run in a bubblewrap sandbox as nobody")
    options = parser.parse_args(argv[:split])
    kernel_args = argv[split + 1:]
    ipykernel = [sys.executable, "-m", "ipykernel_launcher"]
    if not options.fence:
        _limit(resource.RLIMIT_AS, options.memory_mb * MB)
        _limit(resource.RLIMIT_FSIZE, options.file_mb * MB)
        _limit(resource.RLIMIT_CORE, 0)
        # Fewer malloc arenas: address space then tracks real use (each thread's arena reserves 64 MB).
        os.environ.setdefault("MALLOC_ARENA_MAX", "2")
        os.execv(sys.executable, [*ipykernel, *kernel_args])
    folder = Path.cwd()
    own = kernel_folder(folder)
    # The connection file (its HMAC key included) is the grader's, mode 600: nobody gets a copy.
    copy = Path(tempfile.mkdtemp(prefix="kernel-")) / "connection.json"
    shutil.copy(kernel_args[kernel_args.index("-f") + 1], copy)
    os.chown(copy, NOBODY, NOBODY)
    inner = [*_limits_inside(options.memory_mb, options.file_mb), *ipykernel, "-f", "/tmp/connection.json"]
    extra = ((str(copy), "/tmp/connection.json"), *_font_lists())
    # nbgrader interrupts a hanging cell with SIGINT to the kernel's process group: this
    # process and bwrap must not die of it; ipykernel sets its own handler.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # bwrap runs as a child, not exec'd: --die-with-parent follows the thread that started
    # it, and the kernel launcher's thread may end long before the kernel should.
    judge = os.environ.get(JUDGE_DIR)  # the sealed judge's socket and test files (socketlab.judge)
    command = fence_command(inner, folder, extra=extra, own=own, shared=Path(judge) if judge else None)
    sys.exit(subprocess.call(command, umask=SANDBOX_UMASK))


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
