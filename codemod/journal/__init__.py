"""The patch as the journal of a change, so that every change can be undone.

patch.py is the unified diff: written, parsed, its hunks applied either way (located with fuzz);
undo.py writes apply's changes through it and takes them back (revert, status, finishing what a
crash interrupted); atomic.py writes each file checked and atomically; lock.py holds one command at
a time on a patch and keeps Ctrl-C for a safe moment.
"""
