"""Instructor grading for a whole class, built on nbgrader: collect, grade (parallel, fenced in), report.

Steps are modules: collect.py, grade.py (with isolate.py), report.py; cli.py is ``socketlab-grade``.
See docs/instructor-guide.md.
"""
