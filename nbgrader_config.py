"""nbgrader settings for the socketlab course (read by nbgrader run from this folder)."""

c = get_config()  # noqa: F821 (provided by nbgrader)

c.CourseDirectory.course_id = "socketlab"
# Maintainers edit solutions/; `make release` generates the student edition in notebooks/.
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
# solutions/<id>/<id>.md is the lesson's text form (socketlab.lessons): the solutions are in
# it, so it never reaches the student edition.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.md"]

# Socket exercises finish in a second or two; a learner's call that blocks forever
# (accept or recv without a timeout) should cost seconds, not nbgrader's default 30 s
# per cell. After the timeout nbgrader interrupts the kernel and goes on. 20 s leaves
# room for the slowest test cell (about 5 s idle) on a busy two-core grading machine.
c.Execute.timeout = 20
# After a cell's reply, how long to wait for its last output (nbclient's default, 4 s, is
# too short on a busy machine: nbgrader then gives up on the whole submission).
c.Execute.iopub_timeout = 30

# Feedback shows each test cell's docstring, points and message, never the hidden test code
# (socketlab.grading.hide_tests), and embeds the pictures the notebook shows, so the one HTML
# file is the whole feedback.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "socketlab.grading.hide_tests.HideTestCode",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
c.HTMLExporter.embed_images = True

# The sealed judge (socketlab.judge): test cells run in a process of the grader's, never in
# the student's kernel; the kernel only runs the student's cells and answers the judge's calls.
c.Autograde.autograde_preprocessors = [
    "socketlab.judge.execute.JudgedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# Assignments whose test cells should run in the student's kernel instead, as in plain
# nbgrader (none: every notebook's tests are written for the judge). See
# docs/instructor-guide.md, "Who decides a test: the sealed judge".
c.JudgedExecute.kernel_side = []

# Formgrader renders each submission with nbconvert's HTMLExporter: with this it sanitises
# markdown and outputs (a student's <script> would run in the teacher's Jupyter session).
c.HTMLExporter.sanitize_html = True
