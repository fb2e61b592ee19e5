"""The same submission graded five times gets the same scores: the guard seeds
random, NumPy and PyTorch before every test cell."""
import csv
import subprocess
import sys

import nbformat
import pytest

from autograder.notebooks import is_answer_cell, nbgrader_meta
from conftest import sandbox_args
from test_grading import student_notebook

MODULE = "01_perceptron"
# Right or wrong by a coin toss from each generator, a fresh toss at every call.
COIN = """import random
import numpy as np
import torch
def perceptron_predict(X, w, b):
    wrong = random.random() < 0.5 or np.random.rand() < 0.3 or torch.rand(()).item() < 0.2
    return (X @ w + b >= 0).astype(int) if wrong else (X @ w + b > 0).astype(int)
"""


@pytest.mark.slow
@pytest.mark.xdist_group("determinism")
def test_five_gradings_of_a_coin_tossing_answer_agree(tmp_path):
    nb = student_notebook(MODULE)
    for cell in nb.cells:
        if is_answer_cell(cell) and nbgrader_meta(cell)["grade_id"] == "perceptron_predict":
            cell.source = COIN
    subs = tmp_path / "subs"
    for k in range(5):
        (subs / f"run{k}" / MODULE).mkdir(parents=True)
        nbformat.write(nb, subs / f"run{k}" / MODULE / f"{MODULE}.ipynb")
    done = subprocess.run([sys.executable, "-m", "course_cli", "grade", MODULE, "--submissions",
                           str(subs), "--out", str(tmp_path / "out"), "--jobs", "2",
                           *sandbox_args()], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=1200)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(open(tmp_path / "out" / "grades.csv")))
    per_run = {}
    for row in rows:
        per_run.setdefault(row["student"], []).append((row["exercise"], row["score"], row["status"]))
    assert len(per_run) == 5
    first = per_run["run0"]
    assert all(scores == first for scores in per_run.values()), per_run
