"""The documentation against the program. Every example output that README.md and docs/*.md mark
with `<!-- example: ... -->` is run again, as a user runs it, on a fresh copy of what the mark names,
and must print what the page shows; every relative link must lead to a file, and to a heading there.

A mark sits on the line before the example's fenced block:

    <!-- example: samples/mindspore_train.py as train.py; irreproducible -->

Before the `;`: what the working folder holds, `PATH [as NAME]` (a file or folder of this
repository, copied to NAME, by default to the same relative path; `as .` copies a folder's
contents), several separated by commas; or `continued`: the folder of the page's previous example,
as it left it. After it, options: `irreproducible` for runs the page says differ from run to run
(numbers with a decimal point, such as losses and their differences, and the yes/NO of the loss
table are not compared, nor the spaces that align them). In the block, each `$ reprofix ...` line is a
command, and the lines up to the next command are what it prints (stdout and stderr, as a terminal
shows both); a line `...` stands for any number of lines, and `...` within a line for any text on it.
Times (`71 ms`, `8.5 s`) and the working folder's path are never compared.

Each run of examples that share a folder is one test, so that they run in parallel. Examples without
a mark are not run, and `UNMARKED` counts them so that none goes unnoticed; they are those whose runs
cost more than a documentation check should, each run for real by the test of its command: the
distributed launches of docs/verify-and-locate.md (two torchrun launches of two ranks each, whose
ranks print in any order: tests/test_distributed.py) and its minimize example (ten runs, about a
minute here: tests/test_minimize.py checks its lines). Marking one is all it takes to check it.
"""

from __future__ import annotations

import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from itertools import takewhile
from pathlib import Path

import pytest

from conftest import ROOT, require_framework

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# the marked examples of each page: a mark that stops parsing, or one dropped, fails here
MARKED = {"README.md": 4, "docs/apply-and-scan.md": 4, "docs/notebooks-and-pre-commit.md": 1,
          "docs/verify-and-locate.md": 2}
UNMARKED = 3  # blocks with a `$ reprofix` command and no mark (see above)
RUN_TIMEOUT = 300  # seconds a command may take (a verify runs the training twice)
FRAMEWORK_IMPORT = re.compile(r"^(?:import|from) (mindspore|torch|paddle|keras|tensorflow)\b", re.MULTILINE)

MARK = re.compile(r"^\s*<!-- example: (.*?) -->\s*$")
FENCE = re.compile(r"^(\s*)```")


@dataclass
class Example:
    page: str
    line: int  # of the mark
    setup: list[tuple[str, str]]  # (what to copy, where); empty when continued
    continued: bool
    irreproducible: bool
    commands: list[tuple[str, str]] = field(default_factory=list)  # (command line, what it prints)


def name(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


def blocks(text: str):
    """(line number of the fence, the line before it, the block's lines, dedented) for every fenced block."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent = opening.group(1)
        end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == "```" and lines[j].startswith(indent))
        yield i + 1, (lines[i - 1] if i else ""), [line[len(indent):] for line in lines[i + 1:end]]
        i = end + 1


def parse_mark(page: str, line: int, mark: str) -> Example:
    where, *options = [part.strip() for part in mark.split(";")]
    assert set(options) <= {"irreproducible"}, f"{page}:{line}: unknown option in {mark!r}"
    setup = []
    if where != "continued":
        for item in where.split(","):
            source, _, target = item.strip().partition(" as ")
            assert (ROOT / source).exists(), f"{page}:{line}: {source} does not exist"
            setup.append((source, target or source))
    return Example(page, line, setup, where == "continued", "irreproducible" in options)


def examples(page: Path) -> tuple[list[Example], int]:
    """The page's marked examples, and how many blocks show a reprofix command without a mark."""
    found, unmarked = [], 0
    text = page.read_text()
    lines = text.splitlines()
    marks = {i + 1 for i, line in enumerate(lines) if line.lstrip().startswith("<!-- example")}
    for fence_line, before, body in blocks(text):
        mark = MARK.match(before)
        marks.discard(fence_line - 1)
        if not mark:
            unmarked += any(line.startswith("$ reprofix ") for line in body)
            continue
        example = parse_mark(name(page), fence_line - 1, mark.group(1))
        assert not example.continued or found, f"{example.page}:{example.line}: nothing before it to continue"
        for line in body:
            if line.startswith("$ "):
                assert line.startswith("$ reprofix "), f"{example.page}:{fence_line}: not a reprofix command: {line}"
                example.commands.append((line[2:], ""))
            else:
                assert example.commands, f"{example.page}:{fence_line}: the block must start with a $ reprofix command"
                command, output = example.commands[-1]
                example.commands[-1] = (command, output + line + "\n")
        found.append(example)
    assert not marks, f"{name(page)}: a mark must be the line just before a fenced block: lines {sorted(marks)}"
    return found, unmarked


TIME = re.compile(r"\b\d+(?:\.\d+)? (?:ms|s)\b")
DECIMAL = re.compile(r"-?\d+\.\d+(?:[eE][-+]?\d+)?")


def normal(text: str, irreproducible: bool) -> str:
    text = TIME.sub("<time>", text)
    if irreproducible:
        text = DECIMAL.sub("<n>", text)
        text = re.sub(r"<n>\s+(?:yes|NO)\b", "<n> <agree>", text)
        text = re.sub(r"[ \t]+", " ", text)
    return text


def pattern(expected: str) -> re.Pattern:
    """`...` alone on a line: any lines; `...` in a line: any text on it."""
    parts = []
    for line in expected.splitlines():
        if line.strip() == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(r"[^\n]*?".join(re.escape(piece) for piece in line.split("...")) + r"\n")
    return re.compile("".join(parts))


def run(command: str, folder: Path) -> str:
    """The command as a user types it, `reprofix` being this repository's; stdout and stderr as one."""
    args = shlex.split(command)
    assert args[0] == "reprofix", command
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1",
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    result = subprocess.run([sys.executable, "-m", "codemod", *args[1:]], cwd=folder, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=RUN_TIMEOUT)
    out = result.stdout
    for path in {str(folder), os.path.realpath(folder)}:
        out = out.replace(path, "<folder>")
    return out


def set_up(example: Example, folder: Path) -> None:
    for source, target in example.setup:
        origin, destination = ROOT / source, folder / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        if origin.is_dir():
            shutil.copytree(origin, destination, dirs_exist_ok=True)
        else:
            shutil.copy2(origin, destination)


def test_the_marked_examples_are_all_there():
    found = {name(page): examples(page) for page in PAGES}
    assert {page: len(marked) for page, (marked, _) in found.items() if marked} == MARKED
    assert sum(unmarked for _, unmarked in found.values()) == UNMARKED
    assert all(example.commands for marked, _ in found.values() for example in marked)


def frameworks(examples: list[Example]) -> set[str]:
    """The frameworks the commands run: those the Python files they are given import, when a command
    runs the training (`apply` and `scan` import no framework)."""
    if not any(re.match(r"reprofix (verify|minimize)\b", command) for example in examples
               for command, _ in example.commands):
        return set()
    found = set()
    for source, _ in examples[0].setup:
        files = [ROOT / source] if (ROOT / source).is_file() else (ROOT / source).rglob("*.py")
        found |= {module for path in files if path.suffix == ".py" for module in FRAMEWORK_IMPORT.findall(path.read_text())}
    return found


def sequences():
    """Each first example of a folder with those that continue it; one test each."""
    for page in PAGES:
        marked, _ = examples(page)
        for i, example in enumerate(marked):
            if not example.continued:
                sequence = [example, *takewhile(lambda later: later.continued, marked[i + 1:])]
                yield pytest.param(sequence, id=f"{example.page}:{example.line}",
                                   marks=[pytest.mark.framework] if frameworks(sequence) else [])


@pytest.mark.parametrize("sequence", list(sequences()))
def test_examples_print_what_the_page_shows(sequence: list[Example], tmp_path: Path):
    for framework in sorted(frameworks(sequence)):
        require_framework(framework)
    set_up(sequence[0], tmp_path)
    wrong = []
    for example in sequence:
        for command, expected in example.commands:
            printed = normal(run(command, tmp_path), example.irreproducible)
            expected = normal(expected, example.irreproducible)
            if not pattern(expected).fullmatch(printed):
                diff = difflib.unified_diff(expected.splitlines(), printed.splitlines(), "the page", "the run", lineterm="")
                wrong.append(f"{example.page}:{example.line}: `{command}` prints something else:\n" + "\n".join(diff))
    assert not wrong, "\n\n".join(wrong)


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation (backticks included) dropped, a
    space a hyphen."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def without_fences(text: str) -> str:
    return re.sub(r"(?ms)^\s*```.*?^\s*```\s*$", "", text)


def anchors(page: Path) -> set[str]:
    """The anchors of a page's headings; a repeated one gets -1, -2, ... as on GitHub."""
    seen: dict[str, int] = {}
    for line in without_fences(page.read_text()).splitlines():
        heading = re.match(r"#{1,6} (.*)", line)
        if heading:
            base = slug(heading.group(1))
            seen[base] = seen.get(base, 0) + 1
    return {base + (f"-{n}" if n else "") for base, count in seen.items() for n in range(count)}


def test_relative_links_lead_to_a_file_and_a_heading():
    broken, checked = [], 0
    for page in PAGES:
        text = re.sub(r"`[^`\n]*`", "", without_fences(page.read_text()))  # brackets in code are not links
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue  # https:, mailto:
            checked += 1
            path, _, anchor = target.partition("#")
            destination = (page.parent / path).resolve() if path else page
            if not destination.exists():
                broken.append(f"{name(page)}: {target}: no such file")
            elif anchor and (destination.suffix != ".md" or anchor not in anchors(destination)):
                broken.append(f"{name(page)}: {target}: no such heading")
    assert not broken, "\n".join(broken)
    assert checked >= 40  # the README's links to every page, and the pages' links to each other
