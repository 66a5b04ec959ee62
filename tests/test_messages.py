"""Messages as a user reads them: the next command after a result, clear refusals of bad input,
scan's findings as problems with their fix, counts that are right, colour only on a terminal."""

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
