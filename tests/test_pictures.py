"""The README's pictures come from the notebooks, by tools/pictures.py."""
import nbformat
import pytest

from autograder.pipeline import SOURCE
from conftest import MODULES
from tools.pictures import END, PICTURES, README, START, gallery, picture_cell, take

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("module", MODULES)
def test_every_module_has_its_picture_in_the_readme(module):
    nb = nbformat.read(SOURCE / module / f"{module}.ipynb", as_version=4)
    index, (_kind, _var, name) = picture_cell(nb, module)
    assert nb.cells[index].cell_type == "code"
    assert (PICTURES / f"{module}.png").read_bytes()[:8] == PNG, "run `make pictures`"
    text = README.read_text(encoding="utf-8")
    shown = text.split(START, 1)[1].split(END, 1)[0]
    assert f"![{module}](docs/pictures/{module}.png)" in shown and f"`{name}`" in shown, \
        "README gallery is out of date: run `make pictures`"


def test_gallery_lists_modules_in_order():
    text = gallery([("01_a", "f"), ("02_b", "g")])
    assert text.startswith(START) and text.endswith(END)
    assert text.index("01_a") < text.index("02_b")


@pytest.mark.slow
def test_picture_is_drawn_by_running_the_notebook(tmp_path):
    out, name = take(MODULES[0], tmp_path)
    assert out.read_bytes()[:8] == PNG and out.stat().st_size > 10_000
    assert name == picture_cell(nbformat.read(SOURCE / MODULES[0] / f"{MODULES[0]}.ipynb",
                                              as_version=4), MODULES[0])[1][2]


def test_the_playground_is_pictured_mid_training():
    """The README shows the playground after some training: a boundary taking shape and a
    loss curve that falls, not an untrained network beside an empty plot."""
    from course.viz.backprop import playground
    from tools.pictures import TRAIN_FIRST, save_source

    epochs = TRAIN_FIRST["05_backprop"]
    assert save_source("05_backprop", "view", "x.png").startswith(f"view.train({epochs})\n")
    assert "train" not in save_source("01_perceptron", "view", "x.png")
    view = playground()
    view.train(epochs)
    losses = view.artists["train_curve"].get_ydata()
    assert view.state["epoch"] == epochs and len(losses) >= epochs
    assert losses[-1] < 0.8 * losses[0], "the picture should show the loss falling"
