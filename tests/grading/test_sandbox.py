"""Each submission's kernel in its own bubblewrap sandbox (socketlab.grading.isolate), tried
as a hostile submission would: what it can see, be and leave behind."""

import json
import os
import time
import uuid
from pathlib import Path

import pytest
from jupyter_client import KernelManager

from socketlab.grading import isolate
from socketlab.grading.limits import Limits

pytestmark = pytest.mark.skipif(not isolate.fence_works(),
                                reason="needs root, bubblewrap (apt-get install bubblewrap) and setpriv")


@pytest.fixture
def sandboxed(tmp_path, monkeypatch):
    """A kernel started as the grading worker starts one, in a folder of a course-like scratch."""
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "answers.txt").write_text("the solution")
    (tmp_path / "classmate").mkdir()
    (tmp_path / "classmate" / "work.ipynb").write_text("{}")
    folder = tmp_path / "autograded" / "mallory"
    folder.mkdir(parents=True)
    (folder / "graded.ipynb").write_text("### BEGIN HIDDEN TESTS")  # nbgrader's copy, hidden tests included
    (folder / "picture.svg").write_text("<svg/>")  # a file of the assignment
    monkeypatch.setenv("JUPYTER_PATH", str(isolate._kernel_spec(tmp_path, Limits(), fence=True)))
    manager = KernelManager(kernel_name="python3")
    # this very socketlab (a relative PYTHONPATH would not be found from the kernel's folder)
    package = str(isolate._package_root())
    manager.start_kernel(cwd=str(folder), env={**os.environ, "GRADER_TOKEN": "s3cret", "PYTHONPATH": package})
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)

    def run(code: str, interrupt_after: float | None = None) -> dict:
        """Run ``code``; its last printed line read as JSON, or the error's name."""
        msg_id = client.execute(code)
        if interrupt_after is not None:
            time.sleep(interrupt_after)
            manager.interrupt_kernel()
        out, error = "", None
        while True:
            msg = client.get_iopub_msg(timeout=30)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                out += content["text"]
            elif kind == "error":
                error = content["ename"]
            elif kind == "status" and content["execution_state"] == "idle":
                return {"error": error} if error else json.loads(out.strip().splitlines()[-1])

    yield run, tmp_path, manager
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def test_it_is_nobody_without_capabilities(sandboxed):
    run, _, _ = sandboxed
    got = run("import os, json\n"
              "caps = [l.split()[1] for l in open('/proc/self/status') if l.startswith('CapEff')][0]\n"
              "print(json.dumps([os.getuid(), os.getgid(), os.getgroups(), caps]))")
    assert got == [65534, 65534, [], "0000000000000000"]


def test_it_sees_neither_the_course_nor_secrets(sandboxed):
    run, scratch, _ = sandboxed
    got = run("import os, json\n"
              f"paths = ['/etc/shadow', {str(scratch / 'solutions' / 'answers.txt')!r}, "
              f"{str(scratch / 'classmate' / 'work.ipynb')!r}, '/run/dbus', '/var']\n"
              f"print(json.dumps([[os.path.exists(p) for p in paths], os.listdir({str(scratch)!r})]))")
    assert got == [[False] * 5, ["autograded"]], "the sandbox shows files outside the submission's own folder"


def test_its_folder_is_a_copy_without_the_notebook(sandboxed):
    """nbgrader (root) writes the executed notebook into the folder and chmods its files:
    nothing the kernel does there may reach it, and the notebook's hidden tests are not there."""
    run, scratch, _ = sandboxed
    got = run("import os, json\n"
              "before = sorted(os.listdir('.'))\n"
              "os.symlink('/etc/passwd', 'planted')\n"
              "open('graded.ipynb', 'w').write('forged')\n"
              "print(json.dumps([before, sorted(os.listdir('.'))]))")
    assert got == [["picture.svg"], ["graded.ipynb", "picture.svg", "planted"]]
    folder = scratch / "autograded" / "mallory"
    assert sorted(p.name for p in folder.iterdir()) == ["graded.ipynb", "picture.svg"]
    assert (folder / "graded.ipynb").read_text() == "### BEGIN HIDDEN TESTS"


def test_its_environment_and_tmp_are_its_own(sandboxed):
    run, _, _ = sandboxed
    got = run("import os, json, tempfile\n"
              "open('mine.txt', 'w').write('x')\n"
              "print(json.dumps([sorted(k for k in os.environ if 'TOKEN' in k), tempfile.gettempdir(),"
              " sorted(os.listdir('/tmp')), os.path.exists('mine.txt')]))")
    assert got[0] == [], "the grader's environment reached the submission"
    assert got[1] == "/tmp" and "connection.json" in got[2] and got[3] is True


@pytest.fixture
def grader_fonts(tmp_path, monkeypatch):
    """A matplotlib font list of the grader's (the worker's MPLCONFIGDIR, which the kernel launcher reads)."""
    fonts = tmp_path / "grader-mpl"
    fonts.mkdir()
    (fonts / "fontlist-v0.json").write_text("{}")
    monkeypatch.setenv("MPLCONFIGDIR", str(fonts))


def test_its_limits_are_set_and_the_graders_font_list_is_there_read_only(grader_fonts, sandboxed):
    run, _, _ = sandboxed
    got = run("import json, os, resource\n"
              "d = os.environ['MPLCONFIGDIR']\n"
              "print(json.dumps([resource.getrlimit(resource.RLIMIT_AS), resource.getrlimit(resource.RLIMIT_FSIZE),"
              " resource.getrlimit(resource.RLIMIT_CORE), os.listdir(d), os.access(d, os.W_OK),"
              " os.access(d + '/fontlist-v0.json', os.W_OK)]))")
    limits = Limits()
    assert got[:3] == [[limits.memory_mb * 2**20] * 2, [limits.file_mb * 2**20] * 2, [0, 0]]
    assert got[3:] == [["fontlist-v0.json"], True, False]


def test_loopback_works_and_nothing_else(sandboxed):
    run, _, _ = sandboxed
    got = run("import socket, json\n"
              "s = socket.create_server(('127.0.0.1', 0)); c = socket.create_connection(s.getsockname(), timeout=2)\n"
              "print(json.dumps(c.getpeername()[0]))")
    assert got == "127.0.0.1"


def test_a_hanging_cell_is_interrupted_and_its_daemons_die_with_the_kernel(sandboxed):
    run, _, manager = sandboxed
    marker = f"socketlab-daemon-{uuid.uuid4().hex}"
    got = run("import subprocess, time\n"
              f"subprocess.Popen(['sh', '-c', 'exec -a {marker} sleep 300'], start_new_session=True)\n"
              "time.sleep(60)", interrupt_after=2.0)
    assert got == {"error": "KeyboardInterrupt"}
    manager.shutdown_kernel(now=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        alive = [p for p in Path("/proc").iterdir() if p.name.isdigit() and marker in _cmdline(p)]
        if not alive:
            return
        time.sleep(0.2)
    pytest.fail(f"a process the submission started outlived its kernel: {alive}")


def _cmdline(proc: Path) -> str:
    try:
        return (proc / "cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""
