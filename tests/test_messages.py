"""Messages as a user reads them: the next command after a result, clear refusals of bad input,
scan's findings as problems with their fix, counts that are right, colour only on a terminal."""

import json
from pathlib import Path

from conftest import run_reprofix

TORCH = ("import torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n"
         "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
         "        self.drop = nn.Dropout(p=0.5)\n\n"
         "    def forward(self, x):\n        return F.dropout(self.drop(x), p=0.2)\n")


def test_leftovers_count_every_marked_line(tmp_path: Path):
    """The seed block's two marker lines and the two `# [reprofix ...]` comments: four lines."""
    (tmp_path / "train.py").write_text(TORCH)
    run_reprofix("apply", "train.py", cwd=tmp_path, check_code=0)
    marked = [line for line in (tmp_path / "train.py").read_text().splitlines()
              if line.startswith(("# >>> reprofix", "# <<< reprofix", "# [reprofix ")) or "# [reprofix " in line]
    assert len(marked) == 4
    result = run_reprofix("scan", "--leftovers", "train.py", cwd=tmp_path, check_code=1)
    assert "RP002  reprofix changes are in this file (4 marked line(s)); `reprofix revert` takes them out\n" \
        in result.stdout


def test_scan_reads_outside_the_current_folder_and_apply_still_refuses(tmp_path: Path):
    """scan writes nothing: from a subfolder it reads `../train.py` and the project module it imports;
    apply, which writes, still refuses a path outside the current folder."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "__init__.py").write_text("")
    (tmp_path / "src" / "model.py").write_text("from torch import nn\n\nlayer = nn.Dropout(p=0.5)\n")
    (tmp_path / "train.py").write_text("import torch\nfrom src.model import layer\n\n"
                                       "if __name__ == '__main__':\n    print(layer)\n")
    (tmp_path / "tools").mkdir()
    scan = run_reprofix("scan", "--json", "../train.py", cwd=tmp_path / "tools", check_code=1)
    data = json.loads(scan.stdout)
    assert data["files"] == ["../src/__init__.py", "../src/model.py", "../train.py"]
    assert [(f["path"], f["line"], f["rule"]) for f in data["findings"]] == [
        ("../src/model.py", 3, "PT201"), ("../train.py", 3, "PT001")]
    assert scan.stderr == ""
    (tmp_path / ".git").rmdir()  # no project marker: the folder holding both is the root
    scan = run_reprofix("scan", "../train.py", cwd=tmp_path / "tools", check_code=1)
    assert "../src/model.py:3:9  PT201" in scan.stdout
    apply = run_reprofix("apply", "../train.py", cwd=tmp_path / "tools", check_code=2)
    assert apply.stderr == ("reprofix: ../train.py: leads outside the current directory; reprofix writes only "
                            "inside it: run it from the project root\n")
    assert (tmp_path / "src" / "model.py").read_text() == "from torch import nn\n\nlayer = nn.Dropout(p=0.5)\n"
