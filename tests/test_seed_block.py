"""The seed block never stops a script: it imports only what the script imports at module level (a
framework seen only inside a function is reported, not imported), a module that may be missing is
imported in a `try`, and every call an older framework lacks is guarded. The rewritten scripts are
run for real, with the missing or older framework simulated in `sys.modules`."""

import subprocess
import sys
from pathlib import Path

import transforms
from conftest import run_reprofix

PY = sys.executable


def rewritten(code: str) -> str:
    return transforms.rewrite(code.encode(), script=True).code.decode()


def run(code: str, prelude: str = "") -> subprocess.CompletedProcess:
    """Run `code` in a fresh Python, after `prelude` (which fakes modules in sys.modules)."""
    return subprocess.run([PY, "-c", prelude + "\nexec(compile(" + repr(code) + ", 'train.py', 'exec'))"],
                          capture_output=True, text=True, timeout=120)


LAZY_TENSORFLOW = '''import torch
from torch import nn


def tf_export(model):
    import tensorflow as tf
    try:
        from tensorflow import keras
    except ImportError:
        keras = None
    return tf, keras


model = nn.Linear(4, 2)
print("trained", model(torch.zeros(1, 4)).shape)
'''


def test_a_framework_imported_only_in_a_function_is_reported_not_imported(tmp_path: Path):
    """The real shape: a PyTorch script with an export helper that imports TensorFlow lazily. Where
    TensorFlow is missing, the rewritten script still runs."""
    code = rewritten(LAZY_TENSORFLOW)
    assert "keras" not in code.split("# <<< reprofix <<<")[0] and "tensorflow" not in code.split("# <<<")[0]
    result = run(code, "import sys; sys.modules['tensorflow'] = None; sys.modules['keras'] = None")
    assert result.returncode == 0 and "trained torch.Size([1, 2])" in result.stdout, result.stderr
    (tmp_path / "train.py").write_text(LAZY_TENSORFLOW)
    scan = run_reprofix("scan", "train.py", cwd=tmp_path, check_code=1)
    assert ("train.py:6:5  KR001  tensorflow is imported only inside tf_export(), so the seed block does not import "
            "it (it may not be installed): if it trains, seed it there") in scan.stdout


def test_a_folder_run_and_a_file_run_agree(tmp_path: Path):
    """The helper in a project module imported at module level: neither run seeds TensorFlow."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "__init__.py").write_text("")
    (tmp_path / "src" / "export.py").write_text("def tf_export(model):\n    import tensorflow as tf\n    return tf\n")
    (tmp_path / "train.py").write_text("import torch\nfrom src.export import tf_export\n\n"
                                       "if __name__ == '__main__':\n    print(torch.zeros(1))\n")
    (tmp_path / "setup.py").write_text("")
    for target in ("train.py", "."):
        result = run_reprofix("apply", "--dry-run", target, cwd=tmp_path, check_code=0)
        assert "tensorflow" not in result.stdout and "keras" not in result.stdout
        assert "train.py:3:1  PT001  seed block inserted\n" in result.stdout


def test_an_optional_framework_is_seeded_only_where_it_is_installed():
    code = rewritten("import numpy as np\ntry:\n    import torch\nexcept ImportError:\n    torch = None\n\nprint('ran', torch)\n")
    assert "try:\n    import torch as _reprofix_torch\nexcept ImportError:" in code
    missing = run(code, "import sys; sys.modules['torch'] = None")
    assert missing.returncode == 0 and missing.stdout == "ran None\n", missing.stderr
    present = run(code)
    assert present.returncode == 0 and present.stdout.startswith("ran <module 'torch'"), present.stderr


OLD_KERAS = '''import sys, types
keras = types.ModuleType("keras")
keras.utils = types.ModuleType("keras.utils")  # before 2.7: no set_random_seed
tensorflow = types.ModuleType("tensorflow")
tensorflow.random = types.SimpleNamespace(set_seed=lambda seed: print("tf seed", seed))
tensorflow.config = types.SimpleNamespace(experimental=types.SimpleNamespace())  # before 2.8: no enable_op_determinism
sys.modules.update(keras=keras, tensorflow=tensorflow)
'''


def test_the_keras_block_degrades_on_older_keras_and_tensorflow():
    code = rewritten("import keras\n\nprint('ran')\n")
    result = run(code + "import os\nprint('TF_DETERMINISTIC_OPS', os.environ.get('TF_DETERMINISTIC_OPS'))\n", OLD_KERAS)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "tf seed 1\nran\nTF_DETERMINISTIC_OPS 1\n"


def test_the_keras_block_runs_without_tensorflow():
    result = run(rewritten("import keras\n\nprint('ran')\n"),
                 "import sys, types\nsys.modules['tensorflow'] = None\nk = types.ModuleType('keras')\n"
                 "k.utils = types.SimpleNamespace(set_random_seed=lambda s: print('keras seed', s))\n"
                 "sys.modules['keras'] = k\n")
    assert result.returncode == 0 and result.stdout == "keras seed 1\nran\n", result.stderr


def test_the_torch_block_degrades_on_an_older_torch():
    fake = ("import sys, types\nt = types.ModuleType('torch')\nt.manual_seed = lambda s: print('torch seed', s)\n"
            "t.backends = types.SimpleNamespace(cudnn=types.SimpleNamespace())\nsys.modules['torch'] = t\n")
    result = run(rewritten("import torch\n\nprint('ran')\n"), fake)  # no use_deterministic_algorithms (before 1.8)
    assert result.returncode == 0 and result.stdout == "torch seed 1\nran\n", result.stderr
