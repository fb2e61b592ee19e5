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
