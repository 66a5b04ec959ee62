"""The engine: read files, rewrite each with `transforms`, check the result, build and write the patch,
revert it. It knows nothing about any framework; `transforms` does.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

import transforms

from . import patch as patchlib

PATCH_HEADER = (
    b"# reprofix patch: the changes `reprofix apply` made. Undo them with `reprofix revert%s`.\n"
    b"# It is a plain unified diff: `git apply -R` and `patch -R -p1` also undo it.\n"
)


class UsageError(Exception):
    """Bad input from the command line (exit 2)."""


@dataclass(frozen=True)
class FileResult:
    path: str  # relative to the working directory, with / separators
    original: bytes
    new: bytes
    findings: tuple[transforms.Finding, ...]

    @property
    def changed(self) -> bool:
        return self.new != self.original


@dataclass
class ApplyResult:
    files: list[FileResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line each, `path:line:col: message`
    diff: bytes = b""  # the unified diff of every changed file
    patch: bytes = b""  # the diff behind a short header: what is written to disk


def relative(path: str, cwd: Path) -> str:
    """`path` relative to `cwd` with / separators; UsageError if it is not inside it."""
    absolute = Path(os.path.abspath(path))
    try:
        rel = absolute.relative_to(cwd)
    except ValueError:
        raise UsageError(
            f"{path}: outside the current directory; run reprofix from the project root"
        ) from None
    return rel.as_posix()


def rewrite_files(paths: list[str], *, seed: int, cwd: Path, patch_name: str = "") -> ApplyResult:
    """Rewrite every file in memory; nothing is written. Each file is parsed once."""
    result = ApplyResult()
    seen = set()
    for path in paths:
        rel = relative(path, cwd)
        if rel in seen:
            continue
        seen.add(rel)
        if os.path.isdir(path):
            raise UsageError(f"{path}: is a directory; name the Python files to rewrite")
        if not os.path.isfile(path):
            raise UsageError(f"{path}: no such file")
        try:
            original = Path(path).read_bytes()
        except OSError as error:
            result.errors.append(f"{rel}: cannot read: {error.strerror}")
            continue
        try:
            rewritten = transforms.rewrite(original, transforms.Options(seed=seed), script=True)
        except transforms.SourceError as error:
            where = f"{rel}:{error.line}:{error.col}" if error.line else rel
            result.errors.append(f"{where}: {error.message}; file left unchanged")
            continue
        except Exception as error:  # a bug of ours must not cost the other files
            result.errors.append(
                f"{rel}: internal error ({type(error).__name__}: {error}); file left unchanged, please report this"
            )
            continue
        problem = _check_generated(rewritten.code, rel)
        if problem:
            result.errors.append(problem)
            continue
        result.files.append(FileResult(rel, original, rewritten.code, rewritten.findings))
    changed = [f for f in result.files if f.changed]
    if changed:
        header = PATCH_HEADER % (f" --patch {patch_name}".encode() if patch_name else b"")
        result.diff = b"".join(patchlib.file_diff(f.path, f.original, f.new) for f in changed)
        result.patch = header + result.diff
        _check_patch(result.patch, changed)
    return result


def _check_generated(code: bytes, rel: str) -> str | None:
    """Generated code must parse and compile, or the file is left alone."""
    try:
        cst.parse_module(code)
        compile(code, rel, "exec", dont_inherit=True)
    except (cst.ParserSyntaxError, SyntaxError, ValueError) as error:
        return f"{rel}: reprofix produced code that does not compile ({error}); file left unchanged, please report this"
    return None


def _check_patch(data: bytes, changed: list[FileResult]) -> None:
    """The patch must parse back and undo exactly what was done, before anything is written."""
    parsed = {p.path: p for p in patchlib.parse(data)}
    for f in changed:
        if patchlib.reverse(f.new, parsed[f.path]) != f.original:
            raise AssertionError(f"{f.path}: the patch does not reverse the change")


def write_atomic(path: str, data: bytes) -> None:
    """Write through a temporary file in the same folder, flushed, then renamed over the target;
    the target's permissions are kept."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o644
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".reprofix-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def write_applied(result: ApplyResult, patch_path: str) -> None:
    """The patch first (so the change can always be undone), then each file."""
    os.makedirs(os.path.dirname(os.path.abspath(patch_path)), exist_ok=True)
    write_atomic(patch_path, result.patch)
    for f in result.files:
        if f.changed:
            write_atomic(f.path, f.new)


@dataclass
class RevertResult:
    restored: list[tuple[str, int]] = field(default_factory=list)  # path, hunks undone


def revert(patch_path: str, cwd: Path) -> RevertResult:
    """Undo every file of the patch, all or nothing; then remove the patch."""
    try:
        data = Path(patch_path).read_bytes()
    except FileNotFoundError:
        raise patchlib.PatchError(f"{patch_path}: no such patch; nothing to revert") from None
    except OSError as error:
        raise patchlib.PatchError(f"{patch_path}: cannot read: {error.strerror}") from None
    files = patchlib.parse(data)
    restored: list[tuple[str, bytes, int]] = []
    for file_patch in files:
        patchlib.check_path(file_patch.path)
        target = cwd / file_patch.path
        try:
            current = target.read_bytes()
        except FileNotFoundError:
            raise patchlib.PatchError(f"{file_patch.path}: file named in the patch does not exist") from None
        restored.append((file_patch.path, patchlib.reverse(current, file_patch), len(file_patch.hunks)))
    for path, original, _ in restored:
        write_atomic(str(cwd / path), original)
    os.unlink(patch_path)
    return RevertResult([(path, hunks) for path, _, hunks in restored])
