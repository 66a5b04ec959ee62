"""The patch is a contract: git and GNU patch must accept it in reverse, and so must we."""

import shutil
import subprocess
from pathlib import Path

import pytest

from codemod.journal import patch as patchlib
from conftest import run_reprofix

DROPOUT = b"from mindspore import nn\nd = nn.Dropout(p=0.5)\n"
FILES = {
    "plain.py": b'"""Doc."""\nimport mindspore\nfrom mindspore import nn\n\nd = nn.Dropout(p=0.5)\nprint(d)\n',
    "no_newline.py": b"import mindspore\nfrom mindspore import nn\nd = nn.Dropout(p=0.5)",
    "crlf.py": b"import mindspore\r\nfrom mindspore import nn\r\nd = nn.Dropout(p=0.5)\r\n",
    "latin1.py": b"# -*- coding: latin-1 -*-\nimport mindspore\nfrom mindspore import nn\n# caf\xe9\nd = nn.Dropout(p=0.5)  # \xe9\n",
    "bom.py": b"\xef\xbb\xbfimport mindspore\nfrom mindspore import nn\nd = nn.Dropout(p=0.5)\n",
    "tabs.py": b"import mindspore\nfrom mindspore import nn\nclass N(nn.Cell):\n\tdef __init__(self):\n\t\tself.d = nn.Dropout(p=0.5)\n",
    "src/deep/model.py": b"import mindspore\nfrom mindspore import nn\n" + b"x = 1\n" * 40 + b"d = nn.Dropout(p=0.5)\n",
}


@pytest.fixture
def applied(tmp_path: Path) -> Path:
    for name, data in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    run_reprofix("apply", *FILES, cwd=tmp_path, check_code=0)
    for name, data in FILES.items():
        assert (tmp_path / name).read_bytes() != data
    return tmp_path


def restored(tree: Path) -> bool:
    return all((tree / name).read_bytes() == data for name, data in FILES.items())


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_apply_reverse_accepts_the_patch(applied: Path):
    subprocess.run(["git", "apply", "-R", "--check", "reprofix.patch"], cwd=applied, check=True)
    subprocess.run(["git", "apply", "-R", "reprofix.patch"], cwd=applied, check=True)
    assert restored(applied)


@pytest.mark.skipif(shutil.which("patch") is None, reason="GNU patch is not installed")
def test_gnu_patch_reverse_accepts_the_patch(applied: Path):
    subprocess.run(["patch", "-R", "-p1", "--dry-run", "-i", "reprofix.patch"], cwd=applied, check=True,
                   capture_output=True)
    subprocess.run(["patch", "-R", "-p1", "-i", "reprofix.patch"], cwd=applied, check=True, capture_output=True)
    assert restored(applied)


def test_our_revert_restores_every_byte(applied: Path):
    result = run_reprofix("revert", cwd=applied, check_code=0)
    assert restored(applied)
    assert not (applied / "reprofix.patch").exists()
    assert "restored src/deep/model.py" in result.stdout


def test_patch_parses_back_with_unidiff(applied: Path):
    parsed = patchlib.parse((applied / "reprofix.patch").read_bytes())
    assert sorted(p.path for p in parsed) == sorted(FILES)


def test_no_newline_marker_is_written(applied: Path):
    text = (applied / "reprofix.patch").read_bytes()
    assert b"\\ No newline at end of file" in text


def test_reverse_finds_moved_hunks():
    old = b"".join(b"line %d\n" % i for i in range(20))
    new = old.replace(b"line 10\n", b"line ten\n")
    (file_patch,) = patchlib.parse(patchlib.file_diff("f.py", old, new))
    shifted = b"extra\nextra\n" + new
    assert patchlib.reverse(shifted, file_patch) == b"extra\nextra\n" + old


def test_reverse_refuses_a_hunk_that_no_longer_fits():
    old = b"a\nb\nc\n"
    (file_patch,) = patchlib.parse(patchlib.file_diff("f.py", old, b"a\nB\nc\n"))
    with pytest.raises(patchlib.PatchError, match="f.py:2: hunk 1 no longer matches: expected .B., found .edited."):
        patchlib.reverse(b"a\nedited\nc\n", file_patch)


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside.py", "a/../../b.py"])
def test_paths_outside_the_directory_are_refused(path):
    with pytest.raises(patchlib.PatchError, match="outside the project root"):
        patchlib.check_path(path)


def test_malformed_patch_is_refused():
    with pytest.raises(patchlib.PatchError):
        patchlib.parse(b"--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,3 @@\n garbage\n")
