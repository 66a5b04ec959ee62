"""Folders added to sys.path from a script's own location, as real projects write them."""

import pytest

from transforms.parse import syspath

FILE = "/work/proj/tools/train.py"


@pytest.mark.parametrize("source, folder", [
    (  # PaddleClas
        "import os\nimport sys\n__dir__ = os.path.dirname(os.path.abspath(__file__))\n"
        "sys.path.append(os.path.abspath(os.path.join(__dir__, '../')))\n", "/work/proj"),
    (  # PaddleDetection
        "import os\nimport sys\nparent_path = os.path.abspath(os.path.join(__file__, *(['..'] * 2)))\n"
        "sys.path.insert(0, parent_path)\n", "/work/proj"),
    (  # yolov5
        "import sys\nfrom pathlib import Path\nFILE = Path(__file__).resolve()\nROOT = FILE.parents[0]\n"
        "if str(ROOT) not in sys.path:\n    sys.path.append(str(ROOT))\n", "/work/proj/tools"),
    (  # the shape, through `import os.path as osp`
        "import os.path as osp\nimport sys\nsys.path.append(osp.join(osp.dirname(__file__), '..'))\n", "/work/proj"),
    (  # pathlib's division
        "import sys\nfrom pathlib import Path\nsys.path.insert(0, str(Path(__file__).parent.parent / 'src'))\n",
        "/work/proj/src"),
])
def test_a_folder_computed_from_the_file_is_found(source, folder):
    assert syspath.additions(source.encode(), FILE) == [(source.count("\n", 0, source.index("sys.path.")) + 1, folder)]


@pytest.mark.parametrize("source", [
    "import os, sys\nsys.path.append(os.environ['ROOT'])\n",  # the environment
    "import sys\nsys.path.append('../common')\n",  # relative: to wherever it is run from
    "import os, sys\nroot = os.path.dirname(__file__)\nroot = get_root()\nsys.path.append(root)\n",  # rebound
    "import os, sys\ndef setup(root):\n    sys.path.append(os.path.join(root, 'x'))\n",  # inside a function
    "import sys\nsys.path.append(os.path.dirname(__file__))\n",  # `os` never imported
])
def test_anything_else_stays_unknown(source):
    assert [folder for _, folder in syspath.additions(source.encode(), FILE)] == [None]


def test_a_file_that_does_not_parse_has_every_change_unknown():
    assert syspath.additions(b"import sys\nsys.path.append(__file__\n", FILE) == [(2, None)]
