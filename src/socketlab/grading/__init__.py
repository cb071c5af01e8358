"""Instructor grading for a whole class, built on nbgrader: collect, grade (parallel, fenced in), report.

Modules, in the order a grading run uses them:

* ``cli.py`` -- ``socketlab-grade``: logging, exit codes (``errors.py``);
* ``collect.py`` -- downloads into ``submitted/`` and the gradebook;
* ``grade.py`` -- one grading run: ``checks.py`` (look at each submission),
  ``workers.py`` (parallel ``nbgrader autograde`` in the sandbox of ``isolate.py``,
  under ``limits.py``, stopped with ``processes.py``), ``merge.py`` (scores into the
  gradebook), ``status.py`` (``reports/<assignment>/status.json``);
* ``report.py`` -- feedback, grades CSV and the teacher's report;
* ``nbgrader_run.py`` -- nbgrader plumbing: course folder, config, gradebook URL, running nbgrader.

See docs/instructor-guide.md.
"""
