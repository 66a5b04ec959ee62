"""Jupyter notebooks: real notebooks written by nbformat (as Jupyter writes them) and one written by
Jupyter itself, through dry run, apply, `git apply -R`, revert, status and scan."""

import json
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import transforms
from conftest import run_reprofix

FIXTURES = Path(__file__).parent / "fixtures"
IMPORTS = "import torch\nfrom torch import nn\nfrom torch.utils.data import DataLoader"
CELLS = [
    "md:# Training",
    "%matplotlib inline\n!pip install -q torch\n" + IMPORTS,
    "%%bash\necho 'import torch'",
    "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.drop = nn.Dropout(p=0.5)\n\n"
    "    def forward(self, x):\n        if x is None:\n            %debug\n        return self.drop(x)",
    "%%time\nloader = DataLoader(data, shuffle=True)\nfiles = !ls\nloader?",
    "total = (3\n% 2)\nnote = '''\n!not a shell escape\n'''",
]


def notebook(path: Path, cells: list[str], language: str = "python", newline: str = "\n") -> bytes:
    """A notebook as Jupyter saves it (nbformat.write), with an output and metadata to keep."""
    nb = new_notebook(
        cells=[new_markdown_cell(c[3:]) if c.startswith("md:") else new_code_cell(c) for c in cells],
        metadata={"kernelspec": {"name": "k", "language": language, "display_name": "K"}},
    )
    for number, cell in enumerate(nb.cells, 1):
        if cell.cell_type == "code":
            cell.execution_count = number
            cell.outputs = [new_output("stream", text=f"out {number}\n")]
            cell.metadata = {"tags": ["keep"]}
    data = (nbformat.writes(nb) + "\n").replace("\n", newline).encode()
    path.write_bytes(data)
    return data


def sources(path: Path) -> list[str]:
    return [cell.source for cell in nbformat.reads(path.read_text(), as_version=nbformat.NO_CONVERT).cells]


def seeded(imports: str, later: str = "") -> str:
    """What reprofix makes of a script holding just these imports (and `later`, code after them that
    the rewrite leaves alone): the seed block after them."""
    code = transforms.rewrite((imports + "\n" + later).encode(), script=True).code.decode()
    return code[:len(code) - len(later) - 1].rstrip("\n") if later else code.rstrip("\n")


def without_sources(path: Path) -> dict:
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        cell.pop("source")
    return nb


def test_dry_run_apply_git_apply_and_revert_byte_for_byte(tmp_path: Path):
    original = notebook(tmp_path / "train.ipynb", CELLS)
    dry = run_reprofix("apply", "--dry-run", "train.ipynb", cwd=tmp_path, check_code=0)
    assert (tmp_path / "train.ipynb").read_bytes() == original
    report = (
        "Entry scripts (seed block): train.ipynb\n"
        "Changed:\n"
        "  train.ipynb:cell 2:6:1  PT001  seed block inserted\n"
        "  train.ipynb:cell 4:4:21  PT201  Dropout: p=0.0\n"
        "  train.ipynb:cell 5:2:10  PT105  DataLoader: shuffle=False\n"
        "  train.ipynb:cell 5:2:10  PT108  DataLoader: num_workers=0\n"
    )
    assert dry.stdout.startswith("diff --git a/train.ipynb b/train.ipynb\n")
    assert dry.stdout.endswith(report + "reprofix: 1 of 1 file(s) would change, 4 change(s), 0 need you; dry run, "
                               "nothing written\n")
    assert run_reprofix("apply", "train.ipynb", cwd=tmp_path, check_code=0).stdout == report + (
        "reprofix: 1 of 1 file(s) changed, 4 change(s), 0 need you; patch: reprofix.patch (undo: reprofix revert)\n"
        "next: reprofix verify -- python <your training script>   (runs it twice and compares the losses)\n")

    rewritten = (tmp_path / "train.ipynb").read_bytes()
    nb = nbformat.reads(rewritten.decode(), as_version=nbformat.NO_CONVERT)
    nbformat.validate(nb)
    assert rewritten.decode() == nbformat.writes(nb) + "\n"  # as Jupyter writes it
    assert sources(tmp_path / "train.ipynb") == [
        CELLS[0][3:],
        "%matplotlib inline\n!pip install -q torch\n" + seeded(IMPORTS),
        CELLS[2],
        CELLS[3].replace("        self.drop = nn.Dropout(p=0.5)",
                         "        # [reprofix PT201] was: nn.Dropout(p=0.5)\n        self.drop = nn.Dropout(p=0.0)"),
        CELLS[4].replace("shuffle=True", "shuffle=False, num_workers=0"),
        CELLS[5],
    ]
    notebook_before = json.loads(original)
    for cell in notebook_before["cells"]:
        cell.pop("source")
    assert without_sources(tmp_path / "train.ipynb") == notebook_before  # outputs, metadata, ids kept

    status = run_reprofix("status", cwd=tmp_path, check_code=1)
    assert status.stdout == ("reprofix: reprofix.patch is applied to 1 of 1 file(s)\n"
                             "  train.ipynb: applied, unchanged since\n")
    subprocess.run(["git", "apply", "-R", "reprofix.patch"], cwd=tmp_path, check=True)
    assert (tmp_path / "train.ipynb").read_bytes() == original
    (tmp_path / "train.ipynb").write_bytes(rewritten)
    revert = run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert revert.stdout.startswith("restored train.ipynb (3 hunks undone)\n")
    assert (tmp_path / "train.ipynb").read_bytes() == original
    run_reprofix("status", cwd=tmp_path, check_code=0)


def test_seed_block_goes_to_the_first_cell_that_imports(tmp_path: Path):
    notebook(tmp_path / "later.ipynb", ["!pip install torch", "x = 1", "import torch", "import numpy"])
    notebook(tmp_path / "code_first.ipynb", ["def helper():\n    return 1", "import torch"])
    run_reprofix("apply", "later.ipynb", "code_first.ipynb", cwd=tmp_path, check_code=0)
    assert sources(tmp_path / "later.ipynb") == ["!pip install torch", "x = 1", seeded("import torch", "def f():\n    pass\nimport numpy\n"),
                                                "import numpy"]  # (numpy imported for sure: the block needs no try)
    block = seeded("import torch").removeprefix("import torch\n\n")
    assert sources(tmp_path / "code_first.ipynb") == [block + "\ndef helper():\n    return 1", "import torch"]


def test_leftovers_status_and_json_positions(tmp_path: Path):
    notebook(tmp_path / "train.ipynb", CELLS)
    scan = run_reprofix("scan", "--json", "train.ipynb", cwd=tmp_path, check_code=1)
    findings = json.loads(scan.stdout)["findings"]
    assert [(f["cell"], f["line"], f["col"], f["rule"]) for f in findings] == [
        (2, 6, 1, "PT001"), (4, 4, 21, "PT201"), (5, 2, 10, "PT105"), (5, 2, 10, "PT108")]
    run_reprofix("apply", "train.ipynb", cwd=tmp_path, check_code=0)
    leftovers = run_reprofix("scan", "--leftovers", "train.ipynb", cwd=tmp_path, check_code=1)
    assert leftovers.stdout == (  # (entry scripts are apply's business: not listed)
        "Notes:\n"
        "  train.ipynb:cell 2:7:1  RP002  reprofix changes are in this file (3 marked line(s)); `reprofix revert` "
        "takes them out\n"
        "reprofix scan: 1 file(s), reprofix changes left in 1\n"
        "reprofix scan: reprofix.patch is still applied to 1 file(s): `reprofix revert` takes it out\n")


WRITERS = sorted(path.name for path in (FIXTURES / "notebooks").glob("*.ipynb"))


def source_spans(data: bytes) -> list:
    """Each cell's `source` value as it is written in the file (the text between its key and the next)."""
    from codemod.notebook import _source_spans

    text = data.decode("utf-8")
    return [text[span.start:span.end] for span in _source_spans(text)]


@pytest.mark.parametrize("name", WRITERS)
def test_notebooks_as_each_writer_saves_them(tmp_path: Path, name: str):
    """Colab, VS Code, JupyterLab, the classic Notebook, nbconvert, jupyter_server, papermill (no final
    newline), Kaggle (one line, sources as one string), Windows (CRLF): each is taken as it is; apply
    changes only the changed cells' sources, written as the file writes them; revert gives the bytes
    back; `git apply -R` takes the patch."""
    original = (FIXTURES / "notebooks" / name).read_bytes()
    target = tmp_path / name
    target.write_bytes(original)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    result = run_reprofix("apply", name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    changed = target.read_bytes()
    if name == "windows_crlf.ipynb":  # it trains through shell commands: nothing to change
        assert changed == original and "nothing to change" in result.stdout
        return
    assert changed != original
    before, after = json.loads(original), json.loads(changed)
    for cell in (*before["cells"], *after["cells"]):
        cell.pop("source")
    assert before == after  # nothing but sources
    old_spans, new_spans = source_spans(original), source_spans(changed)
    text, new_text = original.decode("utf-8"), changed.decode("utf-8")
    for old, new in zip(old_spans, new_spans):  # the bytes between the sources are the same
        text, new_text = text.replace(old, "\0", 1), new_text.replace(new, "\0", 1)
    assert text == new_text
    for old, new in zip(old_spans, new_spans):  # a changed source is written as the old one was: a list or a string
        assert old.startswith("[") == new.startswith("[")
    if b"\r\n" in original:  # and with the file's line ends
        assert changed.count(b"\n") == changed.count(b"\r\n")
    nbformat.validate(nbformat.reads(changed.decode("utf-8"), as_version=nbformat.NO_CONVERT))
    subprocess.run(["git", "apply", "-R", "--check", "reprofix.patch"], cwd=tmp_path, check=True)
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert target.read_bytes() == original


def test_a_seed_block_in_an_empty_cell_of_a_one_line_notebook(tmp_path: Path):
    """A source that was `[]` gets its lines laid out as the file lays out lists (on one line there)."""
    cells = [{"cell_type": "code", "execution_count": None, "id": "a", "metadata": {}, "outputs": [], "source": []},
             {"cell_type": "code", "execution_count": None, "id": "b", "metadata": {}, "outputs": [],
              "source": ["import torch\n", "d = torch.nn.Dropout(0.5)"]}]
    data = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, separators=(",", ":"))
    (tmp_path / "nb.ipynb").write_text(data)
    run_reprofix("apply", "nb.ipynb", cwd=tmp_path, check_code=0)
    text = (tmp_path / "nb.ipynb").read_text()
    assert "\n" not in text and '"source":["import torch\\n","\\n","# >>> reprofix' in text
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert (tmp_path / "nb.ipynb").read_text() == data


def test_jupyter_written_notebook_is_taken_as_it_is(tmp_path: Path):
    """tests/fixtures/jupyter_written.ipynb is nbformat's own test4.5.ipynb, saved by Jupyter (outputs,
    an image, a %%javascript cell); one cell's code is changed in place, as Jupyter would save it."""
    text = (FIXTURES / "jupyter_written.ipynb").read_text()
    original = text.replace('    "print(\\"hello\\")"\n',
                            '    "import torch\\n",\n    "drop = torch.nn.Dropout(0.5)"\n').encode()
    assert original != text.encode()
    (tmp_path / "nb.ipynb").write_bytes(original)
    result = run_reprofix("apply", "nb.ipynb", cwd=tmp_path, check_code=0)
    assert "  nb.ipynb:cell 4:2:8  PT201  Dropout: p=0.0\n" in result.stdout
    assert sources(tmp_path / "nb.ipynb")[3] == seeded("import torch") + (
        "\n# [reprofix PT201] was: torch.nn.Dropout(0.5)\ndrop = torch.nn.Dropout(0.0)")
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert (tmp_path / "nb.ipynb").read_bytes() == original


def test_crlf_top_level_await_and_project_imports(tmp_path: Path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "model.py").write_text("import torch\ndrop = torch.nn.Dropout(0.5)\n")
    original = notebook(tmp_path / "train.ipynb", ["import asyncio\nimport torch\nfrom src import model",
                                                   "await asyncio.sleep(0)\ntorch.randperm(4)"], newline="\r\n")
    result = run_reprofix("apply", "train.ipynb", cwd=tmp_path, check_code=0)
    assert "src/model.py:2:8  PT201  Dropout: p=0.0" in result.stdout
    rewritten = (tmp_path / "train.ipynb").read_bytes()
    assert rewritten.count(b"\r\n") == rewritten.count(b"\n")
    assert sources(tmp_path / "train.ipynb")[0] == seeded("import asyncio\nimport torch\nfrom src import model")
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert (tmp_path / "train.ipynb").read_bytes() == original


def test_folders_syntax_errors_other_languages_and_no_framework(tmp_path: Path):
    project = tmp_path / "proj"
    (project / ".ipynb_checkpoints").mkdir(parents=True)
    notebook(project / "train.ipynb", ["import torch\nd = torch.nn.Dropout(0.5)"])
    notebook(project / ".ipynb_checkpoints" / "train-checkpoint.ipynb", ["import torch"])
    notebook(project / "broken.ipynb", ["import torch", "x = 1\nprint 'python 2'"])
    notebook(project / "r.ipynb", ["library(torch)"], language="R")
    notebook(tmp_path / "plain.ipynb", ["%matplotlib inline\nprint(1)"])
    (tmp_path / "plain.py").write_text("print(1)\n")
    result = run_reprofix("scan", "proj", "plain.ipynb", "plain.py", cwd=tmp_path, check_code=1)
    assert result.stderr.splitlines() == [
        "reprofix: proj/broken.ipynb:cell 2:2:1: syntax error: Missing parentheses in call to 'print'. Did you "
        "mean print(...)?; file left unchanged",
        "reprofix: note: plain.ipynb: imports no supported framework (mindspore, pytorch, keras, paddle); "
        "nothing to change",
        "reprofix: note: plain.py: imports no supported framework (mindspore, pytorch, keras, paddle); "
        "nothing to change",
        "reprofix: note: proj/r.ipynb: skipped: its kernel's language is R, not Python",
    ]  # notes in the order of the files' paths
    assert "proj/train.ipynb:cell 1:2:5  PT201" in result.stdout
    assert "checkpoint" not in result.stdout


def test_a_cell_magic_that_runs_something_else_is_left_alone(tmp_path: Path):
    notebook(tmp_path / "nb.ipynb", ["import numpy", "%%writefile x.py\nimport torch\nd = torch.nn.Dropout(0.5)"])
    result = run_reprofix("scan", "nb.ipynb", cwd=tmp_path, check_code=0)
    assert result.stdout == "reprofix scan: 1 file(s), 0 source(s) `reprofix apply` would fix in 0 file(s), 0 need you\n"


def test_revert_after_running_the_notebook_keeps_its_new_outputs(tmp_path: Path):
    notebook(tmp_path / "train.ipynb", CELLS)
    run_reprofix("apply", "train.ipynb", cwd=tmp_path, check_code=0)
    nb = nbformat.reads((tmp_path / "train.ipynb").read_text(), as_version=nbformat.NO_CONVERT)
    for cell in nb.cells:  # as Jupyter saves it after running every cell
        if cell.cell_type == "code":
            cell.execution_count += 10
            cell.outputs = [new_output("stream", text="step 1 loss: 0.8\nstep 2 loss: 1.3\n")]
    nbformat.write(nb, tmp_path / "train.ipynb")
    status = run_reprofix("status", cwd=tmp_path, check_code=1)
    assert "  train.ipynb: applied, edited since (revert keeps the edits)\n" in status.stdout
    run_reprofix("revert", cwd=tmp_path, check_code=0)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = CELLS[nb.cells.index(cell)]
    assert (tmp_path / "train.ipynb").read_text() == nbformat.writes(nb) + "\n"


def test_what_is_masked_and_what_is_python(tmp_path: Path):
    from codemod.notebook import Notebook

    cells = ["%%time\nimport torch\nx = (1\n% 2)\ns = '''\n!not shell\n'''\nprint('%d' % 3)",
             "if x:\n    !ls \\\n      -l\n    model?\nfiles, more = !ls\nmodel??\n?model\n%%timeit"]
    book = Notebook(notebook(tmp_path / "nb.ipynb", cells))
    tag = "_reprofix_cell"
    assert book.program.decode() == (
        "import torch\nx = (1\n% 2)\ns = '''\n!not shell\n'''\nprint('%d' % 3)\n"
        f"if {tag}_0: pass\n"
        f"if x:\n    pass  # {tag} 1 0\n    pass  # {tag} 1 1\n    pass  # {tag} 1 2\npass  # {tag} 1 3\n"
        f"pass  # {tag} 1 4\npass  # {tag} 1 5\npass  # {tag} 1 6\n"
        f"if {tag}_1: pass\n")
    compile(book.program, "nb.ipynb", "exec")  # the rest parses
    assert book.render(book.program) == (tmp_path / "nb.ipynb").read_bytes()
    assert [book.position(line) for line in (1, 7, 8, 9, 17)] == [(1, 2), (1, 8), (1, 9), (2, 1), (2, 9)]
