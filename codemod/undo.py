"""Writing a change so it can always be undone, and undoing it without losing a byte of the user's work.

The patch is the journal. Its header records what was under way (`applying`, `applied`, `reverting`)
and the sha256 of every file as apply left it. Every write is atomic (temporary file, fsync, rename,
fsync of the folder), and the patch is written before any source file. So after a crash at any moment
each file is either as it was or as apply made it, and the patch says which operation to finish:
`reprofix revert` or `reprofix apply` run again brings the tree to a consistent state.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import patch as patchlib
from .patch import Conflict, FilePatch, PatchError

APPLIED, ORIGINAL, EDITED, CONFLICT, MISSING = "applied", "original", "edited", "conflict", "missing"


def crash_point(name: str) -> None:
    """Fault injection for the crash tests: REPROFIX_CRASH_AT=name:N ends the process, as kill -9
    would (no cleanup), the Nth time this point is reached. Unset, it costs one lookup."""
    wanted = os.environ.get("REPROFIX_CRASH_AT")
    if not wanted:
        return
    point, _, count = wanted.partition(":")
    if point in (name, "any"):
        left = int(count or 1) - 1
        os.environ["REPROFIX_CRASH_AT"] = f"{point}:{left}"
        if left <= 0:
            os._exit(137)


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, flushed, then renamed over the target; the
    target's permissions are kept, and the folder is flushed so the rename survives a crash."""
    path = os.fspath(path)
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
        crash_point("write")  # the temporary file is complete, the target not yet replaced
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    crash_point("write")  # replaced, the folder not yet flushed
    _sync_folder(directory)


def clean_temporaries(folders) -> None:
    """Remove temporary files a crashed write left behind (they never replaced anything)."""
    for folder in sorted(set(folders)):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            if name.startswith(".reprofix-") and name.endswith(".tmp"):
                try:
                    os.unlink(os.path.join(folder, name))
                except OSError:
                    pass


def _sync_folder(directory: str) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def header(state: str, files: list[tuple[str, bytes]], patch_name: str = "") -> bytes:
    undo = "reprofix revert" + (f" --patch {patch_name}" if patch_name else "")
    lines = [
        f"# reprofix patch: the changes `reprofix apply` made. Undo them with `{undo}`.",
        "# It is a plain unified diff: `git apply -R` and `patch -R -p1` also undo it.",
        f"# reprofix-state: {state}",
        *(f"# reprofix-sha256: {sha256(new)} {path}" for path, new in files),
    ]
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")


def write_applied(patch_path: str, patch: bytes, files: list[tuple[str, bytes]], cwd: Path) -> None:
    """The patch first, marked `applying`; then each file; then the patch marked `applied`."""
    os.makedirs(os.path.dirname(os.path.abspath(patch_path)), exist_ok=True)
    write_atomic(patch_path, patch)
    for path, new in files:
        write_atomic(cwd / path, new)
    write_atomic(patch_path, patchlib.with_state(patch, "applied"))


@dataclass
class FileState:
    path: str
    state: str  # APPLIED, EDITED (applied, then edited elsewhere), ORIGINAL, CONFLICT, MISSING
    hunks: int
    conflicts: list[Conflict] = field(default_factory=list)
    undone: bytes | None = None  # the file with every clean hunk undone


@dataclass
class Journal:
    path: str
    data: bytes
    state: str | None
    files: list[FilePatch]

    @classmethod
    def read(cls, patch_path: str) -> "Journal":
        try:
            data = Path(patch_path).read_bytes()
        except FileNotFoundError:
            raise PatchError(f"{patch_path}: no such patch; nothing to revert") from None
        except IsADirectoryError:
            raise PatchError(f"{patch_path}: is a folder, not a patch") from None
        except OSError as error:
            raise PatchError(f"{patch_path}: cannot read: {error.strerror}") from None
        files = patchlib.parse(data)
        for file_patch in files:
            patchlib.check_path(file_patch.path)
        return cls(patch_path, data, patchlib.state(data), files)

    def folders(self, cwd: Path) -> list[str]:
        return [os.path.dirname(os.path.abspath(self.path))] + [
            str((cwd / f.path).parent) for f in self.files
        ]

    def file_states(self, cwd: Path) -> list[FileState]:
        digests = patchlib.digests(self.data)
        root = cwd.resolve()
        states = []
        for file_patch in self.files:
            target = cwd / file_patch.path
            try:
                target.resolve().relative_to(root)
            except ValueError:
                raise PatchError(f"{file_patch.path}: leads outside the current directory (a symbolic link?)") from None
            if target.is_symlink():
                raise PatchError(f"{file_patch.path}: is a symbolic link; reprofix never writes through links")
            try:
                current = target.read_bytes()
            except FileNotFoundError:
                states.append(FileState(file_patch.path, MISSING, len(file_patch.hunks)))
                continue
            except OSError as error:
                raise PatchError(f"{file_patch.path}: cannot read: {error.strerror}") from None
            states.append(_classify(file_patch, current, digests.get(file_patch.path)))
        return states


def _classify(file_patch: FilePatch, current: bytes, digest: str | None) -> FileState:
    count = len(file_patch.hunks)
    undone, conflicts = patchlib.apply_hunks(current, file_patch, undo=True)
    if not conflicts:
        exact = digest == sha256(current) if digest else patchlib.apply_hunks(undone, file_patch, undo=False, fuzz=0)[0] == current
        return FileState(file_patch.path, APPLIED if exact else EDITED, count, [], undone)
    redone, missing = patchlib.apply_hunks(current, file_patch, undo=False, fuzz=0)
    if not missing:
        return FileState(file_patch.path, ORIGINAL, count)  # never rewritten, or already restored
    if len(conflicts) < count:  # partly clean: what can be undone, and what cannot
        return FileState(file_patch.path, CONFLICT, count, conflicts, undone)
    return FileState(file_patch.path, CONFLICT, count, conflicts, None)


@dataclass
class RevertResult:
    restored: list[tuple[str, int]] = field(default_factory=list)  # path, hunks undone
    already: list[str] = field(default_factory=list)  # files that were already as before apply
    rejected: str | None = None  # the .rej file holding the hunks --partial could not undo


def revert(patch_path: str, cwd: Path, *, partial: bool = False) -> RevertResult:
    """Undo the patch; all or nothing unless `partial`. Files edited after apply keep their edits."""
    clean_temporaries([os.path.dirname(os.path.abspath(patch_path))])  # a crash before the patch existed
    journal = Journal.read(patch_path)
    clean_temporaries(journal.folders(cwd))
    states = journal.file_states(cwd)
    conflicts = [c for s in states for c in s.conflicts]
    missing = [s.path for s in states if s.state == MISSING]
    if missing:
        raise PatchError(f"{missing[0]}: named in the patch but missing; nothing was changed")
    if conflicts and not partial:
        raise RevertConflict(conflicts, sum(s.hunks for s in states) - len(conflicts))
    result = RevertResult()
    if journal.state != "reverting":
        write_atomic(patch_path, patchlib.with_state(journal.data, "reverting"))
    if conflicts:
        rejected = patch_path + ".rej"
        write_atomic(rejected, _rejects(journal, states))
        result.rejected = rejected
    for s in states:
        if s.state == ORIGINAL:
            result.already.append(s.path)
        elif s.undone is not None:
            write_atomic(cwd / s.path, s.undone)
            result.restored.append((s.path, s.hunks - len(s.conflicts)))
    os.unlink(patch_path)
    _sync_folder(os.path.dirname(os.path.abspath(patch_path)))
    return result


def _rejects(journal: Journal, states: list[FileState]) -> bytes:
    """The hunks that could not be undone, as a patch of their own (apply it with -R by hand)."""
    out = [b"# reprofix: hunks `reprofix revert --partial` could not undo; the files have changed there.\n"]
    for file_patch, s in zip(journal.files, states):
        numbers = {c.hunk for c in s.conflicts}
        if not numbers:
            continue
        path = file_patch.path.encode("utf-8", "surrogateescape")
        out.append(b"--- a/%s\n+++ b/%s\n" % (path, path))
        for number in sorted(numbers):
            out.append(file_patch.hunks[number - 1].text)
    return b"".join(out)


class RevertConflict(Exception):
    def __init__(self, conflicts: list[Conflict], clean: int):
        super().__init__(conflicts[0].describe())
        self.conflicts = conflicts
        self.clean = clean


def finish_interrupted(patch_path: str, cwd: Path) -> str | None:
    """Bring the tree to a consistent state after a crash, before a new apply: an interrupted apply
    is completed, an interrupted revert is finished. Returns what was done, or None."""
    clean_temporaries([os.path.dirname(os.path.abspath(patch_path))])
    if not os.path.exists(patch_path):
        return None
    journal = Journal.read(patch_path)
    if journal.state == "reverting":
        done = revert(patch_path, cwd)
        return f"finished an interrupted revert ({len(done.restored)} file(s) restored)"
    if journal.state != "applying":
        return None
    clean_temporaries(journal.folders(cwd))
    states = journal.file_states(cwd)
    bad = [s for s in states if s.state in (CONFLICT, MISSING)]
    if bad:
        raise PatchError(f"{bad[0].path}: an interrupted apply cannot be completed (the file changed); run `reprofix revert`")
    for s, file_patch in zip(states, journal.files):
        if s.state == ORIGINAL:
            current = (cwd / s.path).read_bytes()
            redone, _ = patchlib.apply_hunks(current, file_patch, undo=False, fuzz=0)
            write_atomic(cwd / s.path, redone)
    write_atomic(patch_path, patchlib.with_state(journal.data, "applied"))
    return "completed an interrupted apply"
