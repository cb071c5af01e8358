"""A class on one JupyterHub, end to end, as docs/jupyterhub.md sets it up.

A real JupyterHub (PAM logins, LocalProcessSpawner, configurable-http-proxy) runs on
127.0.0.1 with three real Linux users that this test creates and removes: one teacher
(group `instructors`, instructor mode) and two students (learner mode for a class). The
course's environment is the shared one `make hub-env` builds (/opt/socketlab-hub: the
system's Python, world-readable), and nbgrader's exchange is one folder every user
reaches. Then:

    teacher  nbgrader generate_assignment, db student import (the roster), release_assignment
    student  logs in in headless Chromium, fetches the assignment in the Assignments tab,
             answers it (the solution's answer cells written into the fetched notebook),
             submits it in the same tab; the second student fetches and submits a blank
             notebook with nbgrader's command line
    teacher  nbgrader collect, socketlab-grade grade, nbgrader release_feedback, and opens
             the formgrader in the hub (framed in JupyterLab: the CSP frame-ancestors setting)
    student  fetches the feedback in the Assignments tab and opens it: scores and pictures

Screenshots go to test-output/jupyterhub/. Needs root (useradd, PAM, switching users),
Debian's chromium, Playwright, and `make hub-env` done (`make test` does it before the
network fence); skipped, saying which is missing, without them. Nothing is downloaded here.
"""

from __future__ import annotations

import contextlib
import csv
import os
import pwd
import re
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from browser_support import (
    Steps,
    chromium_browser,
    free_port,
    kill_tree,
    missing_requirements,
    read_tail,
    wait_until_up,
)
from conftest import ROOT

HUB_ENV = Path(os.environ.get("SOCKETLAB_HUB_ENV", "/opt/socketlab-hub"))
ASSIGNMENT = "01-address-families"  # the quickest notebook to grade
COURSE_ID = "socketlab"
SHOTS = ROOT / "test-output" / "jupyterhub"
TIMEOUT_MS = 60_000  # any single wait in the page (a loaded 2-core box)
SPAWN_TIMEOUT_MS = 180_000  # a single-user server starting, JupyterLab loading
COMMAND_TIMEOUT = 600  # one nbgrader or socketlab-grade command


def _missing() -> str | None:
    reason = missing_requirements()
    if reason:
        return reason
    if os.geteuid() != 0:
        return "the JupyterHub test creates Linux users and runs the hub as root: run it as root"
    for tool in ("useradd", "userdel", "chpasswd"):
        if not shutil.which(tool):
            return f"no {tool} command (Debian's passwd package)"
    for path in ("bin/jupyterhub", "bin/jupyterhub-singleuser", "bin/configurable-http-proxy", ".installed-stamp"):
        if not (HUB_ENV / path).exists():
            return f"no {HUB_ENV / path}: build the shared hub environment with `make hub-env` (as root)"
    if not shutil.which("node"):
        return "no node for configurable-http-proxy (Debian's nodejs package)"
    return None


_reason = _missing()
if _reason:
    pytest.skip(_reason, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

expect.set_options(timeout=TIMEOUT_MS)


# ---------------------------------------------------------------- the machine: users, course, exchange

class Site:
    """Everything the class needs on the machine, under one world-readable folder ``base``."""

    def __init__(self, base: Path):
        tag = secrets.token_hex(3)
        self.base = base
        self.teacher, self.students = f"slh{tag}t", [f"slh{tag}a", f"slh{tag}b"]
        self.passwords = {name: secrets.token_urlsafe(12) for name in self.users}
        self.homes = base / "home"
        self.src = base / "src"  # the course's helper package, as the shared environment would hold it
        self.exchange = base / "exchange"
        self.etc = base / "etc"  # JUPYTER_CONFIG_PATH folders: the modes and the class's nbgrader settings
        self.hub_dir = base / "hub"  # root's: the hub's database, cookie secret and log
        self.created: list[str] = []

    @property
    def users(self) -> list[str]:
        return [self.teacher, *self.students]

    def home(self, user: str) -> Path:
        return self.homes / user

    @property
    def course(self) -> Path:
        return self.home(self.teacher) / "socketlab"

    def config_path(self, user: str) -> str:
        mode = "instructor" if user == self.teacher else "student"
        parts = [self.etc / "jupyter" / mode]
        if user == self.teacher:
            parts.append(self.etc / "instructor")
        parts.append(self.etc / "class")
        return os.pathsep.join(str(p) for p in parts)

    def env(self, user: str) -> dict[str, str]:
        """A user's environment, as the hub's spawner gives it to their server."""
        return {
            "HOME": str(self.home(user)), "USER": user, "LOGNAME": user, "LANG": "C.UTF-8",
            "PATH": f"{HUB_ENV / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "PYTHONPATH": str(self.src),
            "JUPYTER_CONFIG_PATH": self.config_path(user),
        }

    def run_as(self, user: str, *cmd: str, cwd: Path | None = None, check: bool = True,
               timeout: float = COMMAND_TIMEOUT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        entry = pwd.getpwnam(user)
        result = subprocess.run(list(cmd), cwd=cwd or self.home(user), env={**self.env(user), **(env or {})},
                                user=entry.pw_uid,
                                group=entry.pw_gid, extra_groups=os.getgrouplist(user, entry.pw_gid),
                                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
        if check and result.returncode:
            raise AssertionError(f"{user}$ {' '.join(cmd)} exited with {result.returncode}:\n"
                                 f"{result.stdout[-3000:]}\n{result.stderr[-5000:]}")
        return result

    def create(self) -> None:
        self.base.chmod(0o755)
        self.homes.mkdir(mode=0o755)
        for user in self.users:
            subprocess.run(["useradd", "--create-home", "--home-dir", str(self.home(user)), "--shell", "/bin/bash",
                            "--user-group", user], check=True, capture_output=True, text=True, timeout=60)
            self.created.append(user)
            self.home(user).chmod(0o700)  # as docs/jupyterhub.md asks: no one reads another's home
        subprocess.run(["chpasswd"], input="".join(f"{u}:{p}\n" for u, p in self.passwords.items()),
                       check=True, capture_output=True, text=True, timeout=60)
        # The shared, read-only part: the helper package and the JupyterLab modes.
        shutil.copytree(ROOT / "src" / "socketlab", self.src / "socketlab",
                        ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(ROOT / "jupyter", self.etc / "jupyter")
        (self.etc / "class").mkdir()
        (self.etc / "class" / "nbgrader_config.py").write_text(
            "c = get_config()  # noqa: F821\n"
            f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
            f"c.Exchange.root = {str(self.exchange)!r}\n")
        (self.etc / "instructor").mkdir()
        (self.etc / "instructor" / "nbgrader_config.py").write_text(
            "c = get_config()  # noqa: F821\n"
            "# The formgrader in the teacher's server: the course folder, and that folder's own settings.\n"
            f"c.CourseDirectory.root = {str(self.course)!r}\n"
            f"load_subconfig({str(self.course / 'nbgrader_config.py')!r})  # noqa: F821\n")
        subprocess.run(["chmod", "-R", "a+rX", str(self.src), str(self.etc)], check=True, timeout=60)
        # nbgrader's exchange: one folder everyone may write to; release_assignment makes the
        # course's inbound/outbound/feedback folders in it with nbgrader's own modes.
        self.exchange.mkdir()
        self.exchange.chmod(0o777)
        # The teacher's course folder: the assignment's source only (nbgrader makes the rest).
        (self.course / "solutions").mkdir(parents=True)
        shutil.copy(ROOT / "nbgrader_config.py", self.course)
        shutil.copytree(ROOT / "solutions" / ASSIGNMENT, self.course / "solutions" / ASSIGNMENT,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        subprocess.run(["chown", "-R", f"{self.teacher}:{self.teacher}", str(self.course)], check=True, timeout=60)
        self.hub_dir.mkdir(mode=0o700)

    def remove(self) -> None:
        for user in self.created:
            uid = pwd.getpwnam(user).pw_uid
            left = [p for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real == uid]
            for proc in left:
                with contextlib.suppress(psutil.Error):
                    proc.kill()
            psutil.wait_procs(left, timeout=10)
            subprocess.run(["userdel", "--force", "--remove", user], capture_output=True, timeout=60)


HUB_CONFIG = """\
# Written by tests/e2e/test_jupyterhub.py: the recipe of docs/jupyterhub.md on 127.0.0.1.
c = get_config()  # noqa: F821

c.JupyterHub.bind_url = "http://127.0.0.1:{port}/"
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}/"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_port}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.JupyterHub.db_url = "sqlite:///{hub_dir}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{hub_dir}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = "{hub_dir}/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True

c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = {users!r}
c.JupyterHub.load_groups = {{"instructors": {{"users": [{teacher!r}]}}, "students": {{"users": {students!r}}}}}

c.Spawner.cmd = [{singleuser!r}]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180


def config_path(spawner):
    # Instructor mode for the group `instructors`, learner mode for a class for everyone else.
    if any(group.name == "instructors" for group in spawner.user.groups):
        return {instructor_path!r}
    return {student_path!r}


c.Spawner.environment = {{"JUPYTER_CONFIG_PATH": config_path, "PYTHONPATH": {src!r}}}
"""


class Hub:
    def __init__(self, site: Site):
        self.site = site
        self.port = free_port()
        self.log_path = site.hub_dir / "jupyterhub.log"
        self.proc: subprocess.Popen | None = None

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def write_config(self) -> Path:
        site = self.site
        ports = set()
        while len(ports) < 2:
            ports.add(free_port())
        hub_port, proxy_port = sorted(ports)
        config = site.hub_dir / "jupyterhub_config.py"
        config.write_text(HUB_CONFIG.format(
            port=self.port, hub_port=hub_port, proxy_port=proxy_port, hub_dir=site.hub_dir,
            chp=str(HUB_ENV / "bin" / "configurable-http-proxy"), users=set(site.users), teacher=site.teacher,
            students=site.students, singleuser=str(HUB_ENV / "bin" / "jupyterhub-singleuser"),
            instructor_path=site.config_path(site.teacher), student_path=site.config_path(site.students[0]),
            src=str(site.src)))
        return config

    def start(self, timeout: float = 120.0) -> None:
        config = self.write_config()
        env = {"PATH": f"{HUB_ENV / 'bin'}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
               "LANG": "C.UTF-8", "HOME": "/root"}
        log = open(self.log_path, "wb")  # noqa: SIM115 (closed with the process)
        self.proc = subprocess.Popen([str(HUB_ENV / "bin" / "jupyterhub"), "-f", str(config)], cwd=self.site.hub_dir,
                                     env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        log.close()
        wait_until_up(self.proc, self.url("hub/api/"), "jupyterhub", timeout, self.log_tail, pause=0.5)

    def log_tail(self, chars: int = 6000) -> str:
        return read_tail(self.log_path, chars)

    def stop(self) -> None:
        if self.proc is not None:
            kill_tree(self.proc, grace=30)


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def site():
    base = Path(tempfile.mkdtemp(prefix="socketlab-hub-", dir="/tmp"))
    site = Site(base)
    try:
        site.create()
        yield site
    finally:
        site.remove()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def hub(site):
    hub = Hub(site)
    try:
        hub.start()
        yield hub
    finally:
        hub.stop()
        (SHOTS / "jupyterhub.log").parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            shutil.copy(hub.log_path, SHOTS / "jupyterhub.log")


@pytest.fixture(scope="module")
def browser():
    with chromium_browser(SHOTS, TIMEOUT_MS) as chromium:
        yield chromium


@contextlib.contextmanager
def session(browser):
    """One person's browser: cookies of their own."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@contextlib.contextmanager
def timed(name: str):
    start = time.monotonic()
    yield
    print(f"step {name}: {time.monotonic() - start:.1f} s")


# ---------------------------------------------------------------- driving the page

def fill_login(page, hub: Hub, user: str, password: str) -> None:
    """The hub's login page, filled in (PAM: the user's Linux password)."""
    page.goto(hub.url("hub/login"))
    page.locator("#username_input").fill(user)
    page.locator("#password_input").fill(password)


def log_in(page, hub: Hub, user: str, password: str, filled: bool = False) -> None:
    """Log in on the hub's page, then wait for the user's JupyterLab to load (the server spawns first)."""
    if not filled:
        fill_login(page, hub, user, password)
    page.locator("#login_submit").click()
    page.wait_for_url(re.compile(rf"/user/{user}/lab"), timeout=SPAWN_TIMEOUT_MS)
    page.wait_for_selector("#jupyterlab-splash", state="detached", timeout=SPAWN_TIMEOUT_MS)


def menu(page, *path: str) -> None:
    """Click through a menu path. A click on the bar toggles its menu: if a menu left open before
    was not shut yet (a loaded machine), that click shuts it, so the bar is clicked again."""
    bar = page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(path[0])}$"))
    bar.click()
    try:
        expect(page.locator(".lm-Menu:visible").first).to_be_visible(timeout=5000)
    except AssertionError:
        bar.click()
    for label in path[1:]:
        page.locator(".lm-Menu:visible .lm-Menu-itemLabel",
                     has_text=re.compile(f"^{re.escape(label)}$")).first.click()


def menu_items(page, name: str) -> list[str]:
    """Open menu ``name`` and read its entries (it stays open, for the screenshot)."""
    menu(page, name)
    return page.locator(".lm-Menu:visible .lm-Menu-itemLabel").all_inner_texts()


def refresh_assignments(page) -> None:
    page.locator("#refresh_assignments_list").click()


def row(page, listing: str):
    """The assignment's row in one of the Assignments tab's lists (released, fetched, submitted)."""
    return page.locator(f"#{listing}_assignments_list .list_item:not(.nested_list_item)", has_text=ASSIGNMENT)


def answer(notebook: Path, solution: Path) -> None:
    """The learner's work: the solution's answer cells, written into the fetched notebook."""
    nb = nbformat.read(notebook, as_version=4)
    solved = {c.metadata["nbgrader"]["grade_id"]: c.source for c in nbformat.read(solution, as_version=4).cells
              if c.metadata.get("nbgrader", {}).get("solution")}
    filled = 0
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id in solved:
            cell.source = solved[grade_id]
            filled += 1
    assert filled, f"no answer cell of {notebook.name} matched the solution's"
    nbformat.write(nb, notebook)


# ---------------------------------------------------------------- the class

def test_a_class_on_jupyterhub(site, hub, browser):
    teacher, (alice, bob) = site.teacher, site.students
    course = site.course
    nbgrader = str(HUB_ENV / "bin" / "nbgrader")

    with timed("teacher: generate the assignment, import the roster, release"):
        site.run_as(teacher, nbgrader, "generate_assignment", ASSIGNMENT, "--force", cwd=course)
        roster = course / "roster.csv"
        with open(roster, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["id", "first_name", "last_name", "email"])
            writer.writerow([alice, "Alice", "Ames", f"{alice}@example.org"])
            writer.writerow([bob, "Bob", "Berg", f"{bob}@example.org"])
        shutil.chown(roster, teacher, teacher)
        site.run_as(teacher, nbgrader, "db", "student", "import", str(roster), cwd=course)
        site.run_as(teacher, nbgrader, "release_assignment", ASSIGNMENT, cwd=course)
        assert (site.exchange / COURSE_ID / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()

    with session(browser) as page:
        step = Steps(page, SHOTS, prefix="student-")
        with step("the hub's login page"):
            fill_login(page, hub, alice, site.passwords[alice])

        with step("logged in: the student's nbgrader menu"):
            log_in(page, hub, alice, site.passwords[alice], filled=True)
            items = menu_items(page, "Nbgrader")
            assert "Assignment List" in items, f"the student's Nbgrader menu: {items}"
            offered = {"Formgrader", "Create Assignment", "Course List"} & set(items)
            assert not offered, f"the student's Nbgrader menu offers {sorted(offered)}"
            # Not only hidden: the student's server has no formgrader at all.
            status = page.request.get(hub.url(f"user/{alice}/formgrader")).status
            assert status == 404, f"the student's /formgrader answers {status}"

        with step("fetch in the assignments tab"):
            page.keyboard.press("Escape")  # the menu left open above
            menu(page, "Nbgrader", "Assignment List")
            expect(row(page, "released")).to_be_visible()
            row(page, "released").get_by_role("button", name="Fetch").click()
            expect(row(page, "fetched")).to_be_visible()
            fetched = site.home(alice) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
            assert fetched.exists(), f"no {fetched} after Fetch"
            body = page.locator("body").inner_text()
            for error in ("Error fetching courses", "exchange directory does not exist"):
                assert error not in body, f"the student sees {error!r}"

        with step("answer and submit in the assignments tab"):
            answer(fetched, course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
            refresh_assignments(page)
            row(page, "fetched").get_by_role("button", name="Submit").first.click()
            expect(row(page, "submitted")).to_be_visible()
            inbound = list((site.exchange / COURSE_ID / "inbound").glob(f"{alice}+{ASSIGNMENT}+*"))
            assert inbound, "the submission is not in the exchange's inbound folder"

    with timed("second student: fetch and submit a blank notebook on the command line"):
        site.run_as(bob, nbgrader, "fetch_assignment", ASSIGNMENT)
        site.run_as(bob, nbgrader, "submit", ASSIGNMENT)
        # What file permissions keep from students: the teacher's course folder (solutions,
        # gradebook) and the other students' submissions in the exchange's inbound folder.
        for path in (course, site.exchange / COURSE_ID / "inbound"):
            listing = site.run_as(bob, "ls", str(path), check=False)
            assert listing.returncode != 0, f"a student can list {path}:\n{listing.stdout}"

    with timed("teacher: collect"):
        site.run_as(teacher, nbgrader, "collect", ASSIGNMENT, cwd=course)
        for student in (alice, bob):
            assert (course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists(), student

    with timed("teacher: socketlab-grade grade"):
        # XDG_CACHE_HOME: a grader that is not root runs its workers under `unshare -r`, where
        # they are uid 0 and, without it, look for matplotlib's cache in /root (not theirs).
        graded = site.run_as(teacher, str(HUB_ENV / "bin" / "socketlab-grade"), "grade", ASSIGNMENT, "-j", "2",
                             cwd=course, env={"XDG_CACHE_HOME": str(site.home(teacher) / ".cache")})
        with open(course / "reports" / ASSIGNMENT / "grades.csv", newline="") as f:
            scores = {r["student_id"]: r for r in csv.DictReader(f)}
        assert set(scores) >= {alice, bob}, f"grades.csv lists {sorted(scores)}"
        # Every test cell's points; the free-text answer waits for the teacher's hand (0 until then).
        solution = nbformat.read(course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
        auto = sum(c.metadata["nbgrader"].get("points", 0) for c in solution.cells
                   if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution"))
        assert auto > 0 and float(scores[alice]["score"]) == auto, (
            f"the answered notebook scores {scores[alice]['score']} (its tests are worth {auto}):\n"
            f"{graded.stderr[-3000:]}")
        assert float(scores[bob]["score"]) == 0, f"the blank notebook scores {scores[bob]['score']}"

    with session(browser) as page:
        step = Steps(page, SHOTS, prefix="teacher-")
        with step("the formgrader on the hub"):
            log_in(page, hub, teacher, site.passwords[teacher])
            menu(page, "Nbgrader", "Formgrader")
            frame = page.frame_locator("iframe[src*='formgrader']")
            expect(frame.locator("table")).to_contain_text(ASSIGNMENT, timeout=SPAWN_TIMEOUT_MS)

    with timed("teacher: release feedback"):
        released = site.run_as(teacher, nbgrader, "release_feedback", ASSIGNMENT, cwd=course, check=False)
        assert released.returncode == 0, f"release_feedback failed:\n{released.stdout}\n{released.stderr}"

    with session(browser) as page:
        step = Steps(page, SHOTS, prefix="feedback-")
        with step("fetch feedback"):
            log_in(page, hub, alice, site.passwords[alice])
            menu(page, "Nbgrader", "Assignment List")
            fetch = row(page, "submitted").get_by_role("button", name="Fetch Feedback")
            fetch.click()
            view = row(page, "submitted").get_by_text("(view feedback)")
            expect(view).to_be_visible()
            html = sorted((site.home(alice) / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html"))
            assert html, "no feedback HTML in the student's assignment folder"

        with step("open the feedback with its pictures"):
            relative = html[-1].relative_to(site.home(alice))
            page.goto(hub.url(f"user/{alice}/files/{relative}"))
            expect(page.locator("body")).to_contain_text("Score")
            pictures = page.locator("img")
            assert pictures.count(), "the feedback shows no picture"
            for n in range(pictures.count()):
                pictures.nth(n).scroll_into_view_if_needed()
                page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                                       arg=pictures.nth(n).element_handle(), timeout=TIMEOUT_MS)
            pictures.first.scroll_into_view_if_needed()
