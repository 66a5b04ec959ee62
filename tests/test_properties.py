"""Properties over generated programs: apply never crashes, and apply then revert is byte-identical.
And a round trip over a real corpus: an installed package's own sources."""

import os
import shutil
import subprocess
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import transforms
from codemod.journal import patch as patchlib
from conftest import require_framework, rewriting_snippets, rule_snippets, run_reprofix, vary_line_endings

HEADER = "import mindspore\nimport mindspore.dataset as ds\nimport mindspore.dataset.vision as vision\nfrom mindspore import nn, ops\n"
SNIPPETS = rule_snippets()
REWRITING = rewriting_snippets()
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))


def round_trip(source: bytes, script: bool) -> bool:
    """Whether the source was rewritten; where it was, the rewrite compiles, its patch reversed gives
    the source back byte for byte, and a second apply changes nothing."""
    try:
        rewritten = transforms.rewrite(source, script=script)
    except transforms.SourceError:
        return False  # refused with a position: fine
    new = rewritten.code
    if new == source:
        return False
    compile(new, "<generated>", "exec", dont_inherit=True)
    (file_patch,) = patchlib.parse(patchlib.file_diff("f.py", source, new))
    assert patchlib.reverse(new, file_patch) == source
    again = transforms.rewrite(new, script=script)
    assert again.code == new, "a second apply must change nothing"
    return True


@st.composite
def training_code(draw) -> bytes:
    """Rule examples stitched together, with blank lines, comments, CRLF or a missing last newline."""
    parts = draw(st.lists(st.sampled_from(SNIPPETS), min_size=1, max_size=4))
    glue = draw(st.sampled_from(["\n", "\n\n", "\n# a comment\n", "\n\n\n"]))
    return vary_line_endings(draw, HEADER + glue.join(parts))


@SETTINGS
@given(training_code(), st.booleans())
def test_stitched_examples_round_trip(source: bytes, script: bool):
    round_trip(source, script)


@SETTINGS
@given(st.lists(st.sampled_from(REWRITING), min_size=1, max_size=3, unique=True), st.sampled_from(["\n", "\n\n# glue\n"]),
       st.booleans())
def test_stitched_rewriting_examples_are_rewritten_and_round_trip(parts: list, glue: str, script: bool):
    """The property above returns early for a program no rule changes: here every program holds an
    example a rule rewrites, so the round trip is always exercised. (Each example once: the same
    one twice binds its names twice, and a name bound twice is no longer known to be the op.)"""
    source = glue.join(code for code, _ in parts).encode()
    assert round_trip(source, script or any(entry for _, entry in parts)), "a rule's own example was not rewritten"


@SETTINGS
@given(st.deferred(hypothesmith.from_grammar), st.booleans())  # deferred: its parser takes 4 s to build, on use
def test_generated_programs_round_trip(program: str, script: bool):
    round_trip((HEADER + program).encode("utf-8", "surrogatepass"), script)


@SETTINGS
@given(hypothesmith.from_node(), st.sampled_from(SNIPPETS))
@example("class A:\n\x0c pass\n", '"""Train."""\nimport mindspore as ms\n\nms.set_context(mode=ms.PYNATIVE_MODE)\n')  # a form feed in the first indent: the seed block indents itself
def test_generated_programs_around_random_ops_round_trip(program: str, snippet: str):
    round_trip((HEADER + snippet + "\n" + program).encode("utf-8", "surrogatepass"), True)


def corpus_sample(limit: int | None) -> tuple[Path, list[Path]]:
    package = os.environ.get("REPROFIX_CORPUS_PACKAGE", "mindspore")
    require_framework(package)
    import importlib.util

    root = Path(list(importlib.util.find_spec(package).submodule_search_locations)[0])
    # setup.py marks a project of its own: reprofix takes one project per run
    files = sorted(p for p in root.rglob("*.py") if p.name != "setup.py")
    if limit:
        step = max(1, len(files) // limit)
        files = files[::step][:limit]
    return root, files


@pytest.mark.framework
def test_round_trip_over_a_real_corpus(tmp_path: Path):
    """A sample of mindspore's own sources (the full run: `python bench/roundtrip.py`)."""
    root, files = corpus_sample(int(os.environ.get("REPROFIX_CORPUS_FILES", "120")))
    tree = tmp_path / "corpus"
    for file in files:
        target = tree / file.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
    before = {p: p.read_bytes() for p in tree.rglob("*.py")}
    print(f"round trip over {len(before)} files of {root}")
    # every file named is an entry script, so each one importing mindspore gets the seed block too
    names = [p.relative_to(tmp_path).as_posix() for p in sorted(before)]
    result = run_reprofix("apply", "--no-follow", *names, cwd=tmp_path)
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr[-2000:]
    changed = sum(1 for p, data in before.items() if p.read_bytes() != data)
    print(f"apply changed {changed} files")
    assert changed > len(before) // 3
    if (tmp_path / "reprofix.patch").exists():
        subprocess.run(["git", "apply", "-R", "--check", "reprofix.patch"], cwd=tmp_path, check=True)
        run_reprofix("revert", cwd=tmp_path, check_code=0)
    assert {p: p.read_bytes() for p in tree.rglob("*.py")} == before
    assert not [p for p in tree.rglob("*") if p.name.startswith(".reprofix-")]
