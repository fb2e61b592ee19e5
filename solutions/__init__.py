"""The instructor's solutions, one module per course module, generated from the source
notebooks' answer cells by ``tools/make_solutions.py`` (never edited by hand).

This package sits outside ``course/`` and ``autograder/`` on purpose: the grading sandbox
binds only those two, so a graded answer cannot import a working solution. The
visualizations reach it through ``course.viz.base.builtin(slug, name)``, which returns
``None`` where it is not importable (and the picture then says the exercise is not
written yet).
"""
