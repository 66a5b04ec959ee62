"""Writing a change so it can always be undone, and undoing it without losing a byte of the user's work.

The patch is the journal. Its header records what was under way (`applying`, `applied`, `reverting`),
the run's id, the project root (relative to the patch) and, for every file, the sha256 before and after
apply: a manifest that the diff must match exactly. Every write is atomic (temporary file, fsync,
rename, fsync of the folder), made only after checking that the file is still what reprofix read, and
the patch is written before any source file. So after a crash at any moment each file is either as it
was or as apply made it, and the patch says which operation to finish. One command at a time works on
a patch (see lock.py); each file is written as atomic.py writes it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import patch as patchlib
from .atomic import (FileChanged, clean_patch_temporaries, clean_temporaries, read_refusal, sync_folder,
                     write_atomic, write_refusal)
from .lock import Interrupted, deferred_interrupts
from .patch import Conflict, FilePatch, PatchError
from ..paths import NotRegular, Unreadable, display, inside, marked_root, read_regular

APPLIED, ORIGINAL, EDITED, CONFLICT, MISSING = "applied", "original", "edited", "conflict", "missing"


def new_run() -> str:
    """A unique id for one apply: it names the run's temporary files and is recorded in the journal."""
    return secrets.token_hex(8)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def header(state: str, run: str, root: str, files: list[tuple[str, bytes, bytes]], undo_command: str,
           mode: str = "") -> bytes:
    lines = [
        f"# reprofix patch: the changes `reprofix apply` made. Undo them with `{undo_command}`.".encode(),
        b"# It is a plain unified diff, paths relative to the project root: from there, "
        b"`git apply -R` and `patch -R -p1` also undo it.",
        f"# reprofix-state: {state}".encode(),
        f"# reprofix-run: {run}".encode(),
        f"# reprofix-root: {root}".encode(),
        *([f"# reprofix-mode: {mode}".encode()] if mode else []),
        *(b"# reprofix-file: %s %s %s" % (sha256(old).encode(), sha256(new).encode(), patchlib.quote_path(path))
          for path, old, new in files),
    ]
    return b"\n".join(lines) + b"\n"


@dataclass
class Apply:
    """What `apply` writes: files relative to `root`, and the patch."""
    patch_path: str
    root: Path
    files: list[tuple[str, bytes, bytes]]  # path, original, new
    undo_command: str = "reprofix revert"
    run: str = field(default_factory=new_run)
    mode: str = ""  # "keep-randomness", recorded in the journal: what the patch is for

    def patch(self, state: str, files=None) -> bytes:
        files = self.files if files is None else files
        root = os.path.relpath(self.root, os.path.dirname(os.path.realpath(self.patch_path)))
        diff = b"".join(patchlib.file_diff(path, old, new) for path, old, new in files)
        return header(state, self.run, PurePosixPath(*Path(root).parts).as_posix(), files, self.undo_command,
                      self.mode) + diff


class Stopped(Exception):
    """apply stopped before a file that changed since it was read; the patch covers what was written."""

    def __init__(self, changed: FileChanged, written: int, total: int):
        super().__init__(str(changed))
        self.changed, self.written, self.total = changed, written, total


def write_applied(job: Apply) -> None:
    """The patch first, marked `applying`; then each file, each checked against what was read just
    before its own write; then the patch marked `applied`. A file that changed stops the run: the
    patch is rewritten to cover exactly the files written (Stopped). SIGINT stops it between two
    files, the patch still `applying` (Interrupted)."""
    os.makedirs(os.path.dirname(os.path.abspath(job.patch_path)), exist_ok=True)
    data = job.patch("applying")
    written: list[tuple[str, bytes, bytes]] = []
    with deferred_interrupts() as interrupted:
        write_atomic(job.patch_path, data, job.run, patch_temporary=True)
        for path, old, new in job.files:
            if interrupted():
                raise Interrupted(len(written), len(job.files))
            try:
                write_atomic(job.root / path, new, job.run, expected=old, root=job.root)
            except FileChanged as changed:
                if written:
                    write_atomic(job.patch_path, job.patch("applied", written), job.run)
                else:
                    os.unlink(job.patch_path)
                raise Stopped(changed, len(written), len(job.files)) from None
            written.append((path, old, new))
        write_atomic(job.patch_path, patchlib.with_state(data, "applied"), job.run)


# -- reading the journal ----------------------------------------------------------------------------


class NotOurs(PatchError):
    """The file is not a patch reprofix wrote (no journal header)."""


class NoPatch(PatchError):
    """There is no patch: nothing is applied."""


@dataclass
class FileState:
    path: str
    state: str  # APPLIED, EDITED (applied, then edited elsewhere), ORIGINAL, CONFLICT, MISSING
    hunks: int
    conflicts: list[Conflict] = field(default_factory=list)
    undone: bytes | None = None  # the file with every clean hunk undone
    current: bytes | None = None  # the file as read
    moves: list[tuple[int, int]] = field(default_factory=list)  # (hunk, lines it moved since apply)


@dataclass
class Journal:
    path: str
    data: bytes
    header: patchlib.Header
    files: list[FilePatch]
    root: Path  # the real project root the paths are relative to

    @property
    def state(self) -> str:
        return self.header.state

    @classmethod
    def read(cls, patch_path: str, cwd: Path | None = None, label: str | None = None) -> "Journal":
        """Read and check a journal: reprofix's header, a diff that holds every file the header lists
        exactly once, and a root the patch may speak for. `label` names the patch in messages."""
        label = label or patch_path
        try:
            data = read_regular(patch_path)
        except FileNotFoundError:
            raise NoPatch(f"{display(label)}: no such patch; nothing to revert") from None
        except NotRegular as error:
            raise PatchError(f"{display(label)}: {error}") from None
        except OSError as error:
            raise PatchError(f"{display(label)}: cannot read: {error.strerror}") from None
        header = patchlib.read_header(data)
        if header is None:
            raise NotOurs(f"{display(label)}: not a patch reprofix wrote (it has no reprofix journal header); "
                          "undo it with `git apply -R` or `patch -R -p1`")
        if header.state not in ("applying", "applied", "reverting"):
            raise PatchError(f"{display(label)}: unknown journal state {header.state!r}")
        files = patchlib.parse(data)
        for file_patch in files:
            patchlib.check_path(file_patch.path)
        _check_manifest(label, header, files)
        return cls(patch_path, data, header, files, _root(patch_path, header.root, cwd or Path.cwd(), label))

    def entry(self, path: str) -> patchlib.Entry:
        return next(e for e in self.header.files if e.path == path)

    def folders(self) -> list[str]:
        folders = [os.path.dirname(os.path.abspath(self.path))]
        for file_patch in self.files:
            folder = (self.root / file_patch.path).parent
            if inside(Path(os.path.realpath(folder)), self.root):
                folders.append(str(folder))
        return folders

    def clean(self) -> None:
        if self.header.run:
            clean_temporaries(self.folders(), self.header.run, os.path.basename(self.path))

    def file_states(self) -> list[FileState]:
        states = []
        for file_patch in self.files:
            target = self.root / file_patch.path
            try:
                os.lstat(target)
            except FileNotFoundError:
                states.append(FileState(file_patch.path, MISSING, len(file_patch.hunks)))
                continue
            refusal = read_refusal(target, self.root)
            if refusal:
                raise PatchError(f"{display(file_patch.path)}: {refusal}")
            try:
                current = read_regular(target)
            except (OSError, Unreadable) as error:
                raise PatchError(f"{display(file_patch.path)}: cannot read: {getattr(error, 'strerror', None) or error}") from None
            states.append(_classify(file_patch, current, self.entry(file_patch.path).after))
        return states


def _check_manifest(patch_path: str, header: patchlib.Header, files: list[FilePatch]) -> None:
    """The header is a manifest: each file it lists is in the diff exactly once, and nothing else is."""
    damaged = f"{display(patch_path)}: damaged patch"
    listed = [entry.path for entry in header.files]
    in_diff = [file_patch.path for file_patch in files]
    for name, paths in (("journal", listed), ("diff", in_diff)):
        _check_once_each(damaged, name, paths)
    absent = [p for p in listed if p not in in_diff]
    if absent:
        raise PatchError(f"{damaged}: the journal lists {len(listed)} file(s) but the diff holds {len(in_diff)}; "
                         f"{display(absent[0])} has no diff (was the patch cut short?)")
    extra = [p for p in in_diff if p not in listed]
    if extra:
        raise PatchError(f"{damaged}: {display(extra[0])} is in the diff but not in the journal")


def _check_once_each(damaged: str, name: str, paths: list[str]) -> None:
    repeated = sorted({p for p in paths if paths.count(p) > 1})
    if repeated:
        raise PatchError(f"{damaged}: the {name} names {display(repeated[0])} {paths.count(repeated[0])} times")


def _root(patch_path: str, relative: str, cwd: Path, label: str) -> Path:
    """The project root the journal names, relative to the patch's folder. It must be the patch's
    folder or above it, and no higher than the project holding the patch (its nearest folder with a
    project marker; with none, the current folder): a patch never speaks for files outside."""
    folder = Path(os.path.realpath(os.path.dirname(os.path.abspath(patch_path))))
    parts = [part for part in PurePosixPath(relative).parts if part != "."]
    if any(part != ".." for part in parts):
        raise PatchError(f"{display(label)}: its root {relative!r} is not the patch's folder or above it")
    root = folder
    for _ in parts:
        root = root.parent
    ceiling = marked_root(folder) or (cwd if inside(folder, cwd) else folder)
    if not inside(root, ceiling):
        raise PatchError(f"{display(label)}: its root {relative!r} is outside the project ({ceiling})")
    return root


def _classify(file_patch: FilePatch, current: bytes, digest: str | None) -> FileState:
    count = len(file_patch.hunks)
    moves: list[tuple[int, int]] = []
    undone, conflicts = patchlib.apply_hunks(current, file_patch, undo=True, moves=moves)
    if not conflicts:
        exact = digest == sha256(current) if digest else patchlib.apply_hunks(undone, file_patch, undo=False, fuzz=0)[0] == current
        return FileState(file_patch.path, APPLIED if exact else EDITED, count, [], undone, current, moves)
    _, missing = patchlib.apply_hunks(current, file_patch, undo=False, fuzz=0)
    if not missing:
        return FileState(file_patch.path, ORIGINAL, count, current=current)  # never rewritten, or restored
    if len(conflicts) < count:  # partly clean: what can be undone, and what cannot
        return FileState(file_patch.path, CONFLICT, count, conflicts, undone, current, moves)
    return FileState(file_patch.path, CONFLICT, count, conflicts, None, current)


# -- revert -----------------------------------------------------------------------------------------


@dataclass
class RevertResult:
    root: Path
    restored: list[tuple[str, int]] = field(default_factory=list)  # path, hunks undone
    moves: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # path -> (hunk, offset in lines)
    already: list[str] = field(default_factory=list)  # files that were already as before apply
    missing: list[str] = field(default_factory=list)  # files --partial could not find
    rejected: str | None = None  # the .rej file holding the hunks --partial could not undo


class RevertStopped(Exception):
    """revert stopped part-way: before a file that changed under it (`changed`), or on SIGINT (None).
    The journal still says `reverting`: `reprofix revert` finishes the job."""

    def __init__(self, changed: FileChanged | None, result: RevertResult, total: int):
        super().__init__(str(changed) if changed else "interrupted")
        self.changed, self.result, self.total = changed, result, total


def revert(patch_path: str, *, partial: bool = False, cwd: Path | None = None, label: str | None = None) -> RevertResult:
    """Undo the patch; all or nothing unless `partial`. Files edited after apply keep their edits;
    files untouched since apply must come back with the sha256 the journal recorded before apply."""
    if not os.path.lexists(patch_path):
        clean_patch_temporaries(patch_path)  # a crash before the patch was in place
    journal = Journal.read(patch_path, cwd, label)
    journal.clean()
    states = journal.file_states()
    _check_gives_back_original(journal, states, label)
    conflicts = [c for s in states for c in s.conflicts]
    missing = [s.path for s in states if s.state == MISSING]
    if not partial:
        _check_all_undone(states, conflicts, missing)
    _check_writable(journal, states)
    if states and all(s.state == ORIGINAL for s in states):
        _check_not_stashed(journal, label)
    result = RevertResult(journal.root, missing=missing)
    result.already = [s.path for s in states if s.state == ORIGINAL]
    _write_reverted(patch_path, journal, states, result, rejects=bool(conflicts or missing))
    os.unlink(patch_path)
    sync_folder(os.path.dirname(os.path.abspath(patch_path)))
    return result


def _check_not_stashed(journal: Journal, label: str | None) -> None:
    """Every file is as before apply: the patch would go. But if a `git stash` holds the rewritten
    files (apply, git stash, revert), popping it would bring them back with no patch to undo them:
    keep the patch and say so."""
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=journal.root, capture_output=True, text=True, timeout=30,
                              check=True).stdout

    try:
        stashes = git("stash", "list", "--format=%gd").split()
        files = {f.path for f in journal.files}
        prefix = git("rev-parse", "--show-prefix").strip()
        for stash in stashes:
            named = {line[len(prefix):] for line in git("stash", "show", "--name-only", stash).splitlines()
                     if line.startswith(prefix)}
            if named & files:
                raise PatchError(f"{display(label or journal.path)}: every file is already as before apply, but "
                                 f"{stash} holds rewritten ones ({sorted(named & files)[0]}); `git stash pop`, then "
                                 "`reprofix revert` (the patch is kept)")
    except (OSError, subprocess.SubprocessError):
        return  # no git, not a repository: nothing can hold the files


def _check_gives_back_original(journal: Journal, states: list[FileState], label: str | None) -> None:
    """A patch that does not give back the original is damaged: refuse before writing. `label` names
    the patch in messages."""
    for s in states:
        before = journal.entry(s.path).before
        if s.state == APPLIED and before and sha256(s.undone) != before:
            raise PatchError(f"{display(label or journal.path)}: damaged patch: undoing it would not give back "
                             f"{display(s.path)} as it was before apply (sha256 differs)")


def _check_all_undone(states: list[FileState], conflicts: list[Conflict], missing: list[str]) -> None:
    """Without --partial, every hunk of every file is undone, or nothing is."""
    if missing:
        raise PatchError(f"{display(missing[0])}: named in the patch but missing; `reprofix revert --partial` "
                         "undoes the other files and saves its hunks to the .rej file")
    if conflicts:
        raise RevertConflict(conflicts, sum(s.hunks for s in states) - len(conflicts))


def _check_writable(journal: Journal, states: list[FileState]) -> None:
    for s in states:
        if s.state != MISSING and s.state != ORIGINAL:
            refusal = write_refusal(journal.root / s.path, journal.root)
            if refusal:
                raise PatchError(f"{display(s.path)}: {refusal}")


def _unused(path: str, suffix: str) -> str:
    """PATH.rej, or PATH.1.rej, PATH.2.rej, ... where one is there already (it is the user's: kept)."""
    candidate, number = path + suffix, 0
    while os.path.lexists(candidate):
        number += 1
        candidate = f"{path}.{number}{suffix}"
    return candidate


def _write_reverted(patch_path: str, journal: Journal, states: list[FileState], result: RevertResult,
                    rejects: bool) -> None:
    """The journal marked `reverting`, the hunks that cannot be undone in PATCH.rej (`rejects`), then
    each file, checked just before its own write. SIGINT stops it between two files (RevertStopped)."""
    run = journal.header.run
    to_write = [s for s in states if s.state != ORIGINAL and s.undone is not None]
    with deferred_interrupts() as interrupted:
        if journal.state != "reverting" or run is None:
            run = run or new_run()
            write_atomic(patch_path, patchlib.with_state(journal.data, "reverting", run), run)
        if rejects:
            rejected = _unused(patch_path, ".rej")
            write_atomic(rejected, _rejects(journal, states), run)
            result.rejected = rejected
        for s in to_write:
            if interrupted():
                raise RevertStopped(None, result, len(to_write))
            try:
                write_atomic(journal.root / s.path, s.undone, run, expected=s.current, root=journal.root)
            except FileChanged as changed:
                raise RevertStopped(changed, result, len(to_write)) from None
            result.restored.append((s.path, s.hunks - len(s.conflicts)))
            if s.moves:
                result.moves[s.path] = s.moves


def _rejects(journal: Journal, states: list[FileState]) -> bytes:
    """The hunks that could not be undone (every hunk of a missing file), as a patch of their own
    (apply it with -R by hand)."""
    out = [b"# reprofix: hunks `reprofix revert --partial` could not undo; the files have changed there"
           b" (or are missing). Paths are relative to the project root.\n"]
    for file_patch, s in zip(journal.files, states):
        numbers = set(range(1, s.hunks + 1)) if s.state == MISSING else {c.hunk for c in s.conflicts}
        if not numbers:
            continue
        out.append(b"--- %s\n+++ %s\n" % (patchlib.quote_path("a/" + file_patch.path),
                                           patchlib.quote_path("b/" + file_patch.path)))
        for number in sorted(numbers):
            out.append(file_patch.hunks[number - 1].text)
    return b"".join(out)


class RevertConflict(Exception):
    def __init__(self, conflicts: list[Conflict], clean: int):
        super().__init__(conflicts[0].describe())
        self.conflicts = conflicts
        self.clean = clean


def finish_interrupted(patch_path: str, cwd: Path | None = None, label: str | None = None) -> str | None:
    """Bring the tree to a consistent state after a crash, before a new apply: an interrupted apply
    is completed, an interrupted revert is finished. Returns what was done, or None."""
    if not os.path.lexists(patch_path):
        clean_patch_temporaries(patch_path)
        return None
    journal = Journal.read(patch_path, cwd, label)
    if journal.state == "reverting":
        done = revert(patch_path, cwd=cwd, label=label)
        return f"finished an interrupted revert ({len(done.restored)} file(s) restored)"
    if journal.state != "applying":
        return None
    journal.clean()
    states = journal.file_states()
    run = journal.header.run
    if run is None:  # the id the temporary files of the writes below are named by goes in first
        run = new_run()
        write_atomic(patch_path, patchlib.with_state(journal.data, "applying", run), run)
    _check_completable(journal, states)
    for s, file_patch in zip(states, journal.files):
        if s.state == ORIGINAL:
            _redo(journal, s, file_patch, run)
    write_atomic(patch_path, patchlib.with_state(journal.data, "applied", run), run)
    return "completed an interrupted apply"


def _check_completable(journal: Journal, states: list[FileState]) -> None:
    """Each file is as apply made it (maybe edited since), or untouched since apply read it."""
    for s in states:
        entry = journal.entry(s.path)
        untouched = s.state == ORIGINAL and (entry.before is None or sha256(s.current) == entry.before)
        if s.state not in (APPLIED, EDITED) and not untouched:
            raise PatchError(f"{display(s.path)}: an interrupted apply cannot be completed (the file changed); "
                             "run `reprofix revert`")


def _redo(journal: Journal, s: FileState, file_patch: FilePatch, run: str) -> None:
    """Write a file the interrupted apply had not reached, as the journal records apply made it."""
    redone, _ = patchlib.apply_hunks(s.current, file_patch, undo=False, fuzz=0)
    if sha256(redone) != journal.entry(s.path).after:
        raise PatchError(f"{display(s.path)}: an interrupted apply cannot be completed (the patch does "
                         "not give the recorded result); run `reprofix revert`")
    write_atomic(journal.root / s.path, redone, run, expected=s.current, root=journal.root)
