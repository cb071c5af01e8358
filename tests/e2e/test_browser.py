"""What a learner and a teacher see in JupyterLab, driven in a real (headless) Chromium.

A private `jupyter lab` runs in a throwaway copy of the course, as the README's
first command runs it in the repository. The learner opens notebook 00, runs it
all, sees the demos' outputs and the exercise stubs' NotImplementedError, pastes
in the answer to exercise 1, runs its tests and presses nbgrader's Validate
button. The teacher opens the formgrader from the Nbgrader menu and finds the
course's assignments, and opens notebook 00's. Every step leaves a screenshot,
test-output/browser/{learner,teacher}-NN-step.png (NN-step-FAILED.png when the
step failed, taken at that moment).

Needs Debian's `chromium` (or SOCKETLAB_CHROMIUM=/path/to/chromium) and Playwright
for Python; skipped without them. About a minute: JupyterLab starts once.
"""

from __future__ import annotations

import configparser
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from browser_support import JupyterLab, Steps, chromium_browser, copy_course, missing_requirements
from conftest import ROOT
from learner_code import learner_names
from socketlab.release import run_nbgrader
from socketlab.workspace import prepare as prepare_workspace

_reason = missing_requirements()
if _reason:
    pytest.skip(_reason, allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

ASSIGNMENT = "00-sockets-and-ports"
STUDENT_NB = f"workspace/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"  # the learner's copy, as make lab makes it
SOLUTION_NB = f"solutions/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
SHOTS = ROOT / "test-output" / "browser"
TIMEOUT_MS = 30_000  # any single wait in the page
RUN_TIMEOUT_MS = 60_000  # loading JupyterLab, running the whole notebook, nbgrader validating it
expect.set_options(timeout=TIMEOUT_MS)  # Playwright's default for expect() is 5 s


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A copy of the course to work in, so the committed notebooks never change."""
    return copy_course(ROOT, tmp_path_factory.mktemp("browser") / "course")


@pytest.fixture(scope="module")
def gradebook(course):
    """The course's gradebook.db with notebook 00 in it, made while the learner works.

    The formgrader's gradebook shows what `nbgrader generate_assignment` recorded;
    the generated files go to a scratch folder, so notebooks/ stays the committed
    student edition.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        job = pool.submit(run_nbgrader, course, "generate_assignment", ASSIGNMENT, "--force",
                          f"--CourseDirectory.release_directory={course.parent / 'generated'}", timeout=600)
        yield job  # the teacher's test waits for it
        job.result(timeout=610)


@pytest.fixture(scope="module")
def lab(course) -> JupyterLab:
    # As `make lab` (the README's first command) starts it: the learner's workspace made,
    # learner mode, the course folder as the server's root, notebook 00 as the landing page.
    prepare_workspace(course)
    args = [f"--ServerApp.root_dir={course}", f"--LabApp.default_url=/lab/tree/{STUDENT_NB}"]
    with JupyterLab(course, course.parent / "learner-home", args, mode="learner") as server:
        yield server


@pytest.fixture(scope="module")
def teacher_lab(course, gradebook) -> JupyterLab:
    # As `make teach` starts it: instructor mode, the formgrader on.
    args = [f"--ServerApp.root_dir={course}"]
    with JupyterLab(course, course.parent / "teacher-home", args, mode="instructor") as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    with chromium_browser(SHOTS, TIMEOUT_MS) as chromium:
        yield chromium


@pytest.fixture(scope="module")
def context(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    try:
        yield page
    finally:
        page.close()


# ---------------------------------------------------------------- reading the notebook files

def read_nb(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def sanitize(text: str) -> str:
    """Apply tests/nbval_sanitize.cfg (ports, pids, ...) and squash whitespace."""
    rules = configparser.ConfigParser()
    rules.read(ROOT / "tests" / "nbval_sanitize.cfg")
    for section in rules.sections():
        text = re.sub(rules[section]["regex"], rules[section]["replace"], text)
    return " ".join(text.split())


def draws(out) -> bool:
    """A stored output that was a picture (solutions keep only a figure's text stand-in)."""
    data = out.get("data", {})
    return bool({"image/png", "image/svg+xml"} & set(data)) or data.get("text/plain", "").startswith("<Figure size")


def stored_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data") and "text/plain" in out.data \
                and not draws(out) and "text/html" not in out.data:
            parts.append(out.data["text/plain"])
    return "".join(parts)


# ---------------------------------------------------------------- reading and driving the page

CELLS_JS = """() => Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell')).map(c => ({
    code: c.classList.contains('jp-CodeCell'),
    prompt: (c.querySelector('.jp-InputArea-prompt') || {textContent: ''}).textContent.trim(),
    source: Array.from(c.querySelectorAll('.jp-InputArea-editor .cm-line')).map(l => l.textContent).join('\\n'),
    outputs: Array.from(c.querySelectorAll('.jp-OutputArea-output')).map(o => ({
        mime: o.getAttribute('data-mime-type') || '',
        text: o.textContent,
        image: o.querySelector('img, svg') !== null,
    })),
}))"""

IDLE_JS = """() => {
    const status = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');
    const busy = Array.from(document.querySelectorAll('.jp-Notebook .jp-InputArea-prompt'))
        .some(p => p.textContent.includes('*'));
    return status && status.getAttribute('data-status') === 'idle' && !busy;
}"""


def wait_for_lab(page) -> None:
    """Wait until JupyterLab has loaded (its splash screen is gone)."""
    page.wait_for_selector("#jupyterlab-splash", state="detached", timeout=RUN_TIMEOUT_MS)


def cells(page) -> list[dict]:
    return page.evaluate(CELLS_JS)


def wait_idle(page, timeout=RUN_TIMEOUT_MS) -> None:
    page.wait_for_function(IDLE_JS, timeout=timeout)


def menu(page, *path: str) -> None:
    """Click through the menu bar, e.g. menu(page, "Run", "Run All Cells")."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(path[0])}$")).click()
    for label in path[1:]:
        page.locator(".lm-Menu:visible .lm-Menu-itemLabel",
                     has_text=re.compile(f"^{re.escape(label)}$")).first.click()


def cell(page, index: int):
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


def show(page, index: int) -> None:
    """Scroll cell ``index`` into view and let JupyterLab paint it (for the screenshot)."""
    target = cell(page, index)
    target.scroll_into_view_if_needed()
    expect(target).to_be_in_viewport()
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def run_and_wait(page, action, index: int) -> None:
    """Do ``action`` and wait until code cell ``index`` has run and the kernel is idle again."""
    before = cells(page)[index]["prompt"]
    action()
    page.wait_for_function(
        """([i, before]) => {
            const p = document.querySelectorAll('.jp-Notebook .jp-Cell')[i].querySelector('.jp-InputArea-prompt');
            return p && /\\[\\d+\\]/.test(p.textContent) && p.textContent.trim() !== before;
        }""", arg=[index, before], timeout=RUN_TIMEOUT_MS)
    wait_idle(page)


def error_text(shown: dict) -> str:
    return "\n".join(o["text"] for o in shown["outputs"] if o["mime"] == "application/vnd.jupyter.stderr")


def all_text(shown: dict) -> str:
    return "\n".join(o["text"] for o in shown["outputs"])


# ---------------------------------------------------------------- the learner

def exercises(nb) -> dict[int, list[int]]:
    """{N: indices of exercise N's answer cell and the code cells after it, up to the next `## ` heading}."""
    found: dict[int, list[int]] = {}
    current = None
    for i, c in enumerate(nb.cells):
        match = re.fullmatch(r"ex(\d+)-solution", grade_id(c) or "")
        if match:
            current = int(match[1])
            found[current] = []
        elif c.cell_type == "markdown" and c.source.startswith("## "):
            current = None  # a new section
        if current is not None and c.cell_type == "code":
            found[current].append(i)
    return found


def test_learner_runs_notebook_00_and_validates_exercise_1(lab, course, page):
    student, solution = read_nb(course / STUDENT_NB), read_nb(course / SOLUTION_NB)
    solved = {grade_id(c): c for c in solution.cells if grade_id(c)}
    assert len(student.cells) == len(solution.cells), "student and solution editions differ in cell count"
    learner = learner_names(student)
    code = [i for i, c in enumerate(student.cells) if c.cell_type == "code"]
    uses_learner_code = {i for i in code if any(re.search(rf"\b{n}\b", student.cells[i].source) for n in learner)}
    step = Steps(page, SHOTS, prefix="learner-")

    with step("open notebook 00"):
        page.goto(lab.url(""))  # the URL `make lab` prints: it lands on notebook 00
        wait_for_lab(page)
        expect(page).to_have_url(re.compile(re.escape(f"/lab/tree/{STUDENT_NB}")))
        page.wait_for_function(
            f"() => document.querySelectorAll('.jp-Notebook .jp-Cell').length === {len(student.cells)}",
            timeout=RUN_TIMEOUT_MS)
        expect(page.locator(".jp-NotebookPanel-toolbar")).to_contain_text("Validate")  # nbgrader's button
        wait_idle(page)  # the kernel has started

    with step("learner mode: no instructor tools, no exchange errors"):
        bar = page.locator(".lm-MenuBar-content")
        if bar.get_by_text("Nbgrader", exact=True).count():
            menu(page, "Nbgrader")
            items = page.locator(".lm-Menu:visible .lm-Menu-itemLabel").all_inner_texts()
            page.keyboard.press("Escape")
            offered = {"Formgrader", "Create Assignment", "Assignment List", "Course List"} & set(items)
            assert not offered, f"the learner's Nbgrader menu offers {sorted(offered)}"
        body = page.locator("body").inner_text()
        for error in ("Error fetching courses", "exchange directory does not exist"):
            assert error not in body, f"the learner sees {error!r}"
        # Every picture in the text (the SVG files beside the notebook) loads.
        pictures = page.locator(".jp-Notebook .jp-MarkdownOutput img")
        for n in range(pictures.count()):
            pictures.nth(n).scroll_into_view_if_needed()
            page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                                   arg=pictures.nth(n).element_handle(), timeout=TIMEOUT_MS)

    with step("run all cells"):
        run_and_wait(page, lambda: menu(page, "Run", "Run All Cells"), code[0])
        # Jupyter stops at the first error (an exercise stub): go on from the next
        # cell that did not run, as a learner would, until every code cell ran.
        for _ in range(len(code)):
            shown = cells(page)
            todo = [i for i in code if not re.search(r"\[\d+\]", shown[i]["prompt"])]
            if not todo:
                break
            cell(page, todo[0]).locator(".jp-InputArea-prompt").click()
            run_and_wait(page, lambda: menu(page, "Run", "Run Selected Cell and All Below"), todo[0])
        shown = cells(page)
        never = [i for i in code if not re.search(r"\[\d+\]", shown[i]["prompt"])]
        assert not never, f"code cells {never} never ran"

    with step("demo cells show their outputs"):
        checked = []
        for i in code:
            source, ours, want = student.cells[i].source, shown[i], solution.cells[i]
            if grade_id(student.cells[i]) or i in uses_learner_code:
                continue  # answer, test and try-it cells: next step
            assert not error_text(ours), f"demo cell {i} fails in the browser:\n{source}\n{error_text(ours)[-1500:]}"
            if want.get("outputs"):
                assert ours["outputs"], f"demo cell {i} shows no output:\n{source}"
                if any(draws(o) for o in want.outputs):
                    assert any(o["image"] for o in ours["outputs"]), f"demo cell {i} shows no picture"
                if stored_text(want) and "nbval-ignore-output" not in want.metadata.get("tags", []):
                    assert sanitize(stored_text(want)) in sanitize(all_text(ours)), (
                        f"demo cell {i} shows {all_text(ours)!r}, the stored output is {stored_text(want)!r}")
                checked.append(i)
        assert checked, "no demo cell with an output was checked"
        show(page, checked[0])

    with step("exercise stubs fail with NotImplementedError"):
        for number, indices in exercises(student).items():
            failing = [i for i in indices if "NotImplementedError" in error_text(shown[i])]
            assert failing, f"exercise {number}: no cell shows the stub's NotImplementedError"
        show(page, next(i for i in exercises(student)[1] if error_text(shown[i])))
        for i in code:
            err = error_text(shown[i])
            assert not err or "NotImplementedError" in err, (
                f"cell {i} fails with something other than the stub's NotImplementedError:\n{err[-1500:]}")

    answer, *after = exercises(student)[1]
    tests = [i for i in after if (grade_id(student.cells[i]) or "").startswith("ex1-test")]
    assert tests, "exercise 1 has no test cells"
    with step("fill in exercise 1"):
        editor = cell(page, answer).locator(".jp-InputArea-editor .cm-content")
        editor.click()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.insert_text(solved["ex1-solution"].source)  # like a paste: no auto-indent
        assert cells(page)[answer]["source"] == solved["ex1-solution"].source, "the answer cell did not take the text"
        page.keyboard.press("Escape")
        run_and_wait(page, lambda: menu(page, "Run", "Run Selected Cell"), answer)
        assert not error_text(cells(page)[answer]), "the answer cell fails"

    with step("try it and run the tests of exercise 1"):
        for i in after:  # the "try it" cells, then the tests
            cell(page, i).locator(".jp-InputArea-prompt").click()
            run_and_wait(page, lambda: menu(page, "Run", "Run Selected Cell"), i)
            ours = cells(page)[i]
            assert not error_text(ours), f"cell {i} ({grade_id(student.cells[i]) or 'try it'}) fails:\n" \
                                         f"{error_text(ours)[-1500:]}"
            if solution.cells[i].get("outputs"):
                assert ours["outputs"], f"cell {i} shows no output"
        show(page, after[0])

    with step("validate"):
        page.locator(".jp-NotebookPanel-toolbar").get_by_text("Validate", exact=True).click()
        dialog = page.locator(".jp-Dialog")
        expect(dialog).to_contain_text("Validation Results", timeout=RUN_TIMEOUT_MS)
        expect(dialog.locator(".jp-Dialog-body")).not_to_be_empty(timeout=RUN_TIMEOUT_MS)
        result = dialog.locator(".jp-Dialog-body").inner_text()
        # Exercise 1 passes now; the other exercises' stubs still fail.
        assert "NotImplementedError" in result, f"Validate does not report the remaining stubs:\n{result}"
        for i in tests:
            docstring = student.cells[i].source.splitlines()[0]
            assert docstring not in result, f"Validate still reports {grade_id(student.cells[i])}:\n{result}"
        later = [grade_id(student.cells[i]) for n, cs in exercises(student).items() if n > 1 for i in cs
                 if student.cells[i].source.splitlines()[0] in result]
        assert later, f"Validate names none of the later exercises' failing tests:\n{result}"

    with step("close the validation results"):
        dialog.get_by_role("button", name="Ok").click()
        expect(dialog).to_have_count(0)


# ---------------------------------------------------------------- the teacher

def test_teacher_sees_the_assignments_in_the_formgrader(teacher_lab, course, gradebook, page):
    lab = teacher_lab
    step = Steps(page, SHOTS, prefix="teacher-")
    solution = read_nb(course / SOLUTION_NB)
    points = sum(c.metadata["nbgrader"].get("points", 0) for c in solution.cells
                 if c.metadata.get("nbgrader", {}).get("grade"))
    assignments = sorted(p.parent.name for p in (course / "solutions").glob("*/*.ipynb") if p.stem == p.parent.name)

    gradebook.result(timeout=610)  # the teacher generated the assignment before
    with step("open jupyterlab"):
        page.goto(lab.url("lab/workspaces/teacher?reset"))
        wait_for_lab(page)
        expect(page.locator(".lm-MenuBar-itemLabel", has_text="Nbgrader")).to_be_visible()

    with step("open the formgrader from the nbgrader menu"):
        menu(page, "Nbgrader", "Formgrader")
        frame = page.frame_locator("iframe[src*='formgrader']")
        table = frame.locator("table")
        expect(table).to_contain_text(ASSIGNMENT, timeout=RUN_TIMEOUT_MS)
        # Every assignment in solutions/ is listed.
        for name in assignments:
            expect(table.get_by_role("link", name=name, exact=True)).to_be_visible()
        assert ASSIGNMENT in assignments

    with step("open the assignment's source folder"):
        table.get_by_role("link", name=ASSIGNMENT, exact=True).click()
        expect(page.locator(".jp-FileBrowser .jp-BreadCrumbs")).to_contain_text(ASSIGNMENT)
        expect(page.locator(".jp-FileBrowser .jp-DirListing-content")).to_contain_text(f"{ASSIGNMENT}.ipynb")

    with step("open the assignment in the gradebook"):
        frame.get_by_role("link", name="Manual Grading").click()
        frame.get_by_role("link", name=ASSIGNMENT, exact=True).click()
        body = frame.locator("body")
        expect(body).to_contain_text(f"{ASSIGNMENT}", timeout=RUN_TIMEOUT_MS)
        expect(frame.locator("table")).to_contain_text(ASSIGNMENT)
        expect(frame.locator("table")).to_contain_text(f"0 / {points:g}")  # no submissions yet
