"""Verify's side of the per-process channels: a Unix socket each rank process of a distributed launch
connects to (probe/site/reprofix_probe/ranks.py), one connection per stream, each starting
with a header line (JSON: rank, world size, stream, pid, and the pid of a teed launcher above it).
One server per run, in a private folder, so a late process of one run can never write into the next."""

from __future__ import annotations

import json
import os
import shutil
import socket
import tempfile

from .probe import SITE

RANK_VARIABLES = ("RANK", "OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "PADDLE_GLOBAL_RANK", "PADDLE_TRAINER_ID",
                  "RANK_ID", "SLURM_PROCID", "LOCAL_RANK", "WORLD_SIZE", "OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE",
                  "PADDLE_GLOBAL_SIZE", "PADDLE_TRAINERS_NUM", "RANK_SIZE", "MS_WORKER_NUM", "SLURM_NTASKS",
                  "LOCAL_WORLD_SIZE")  # the variables ranks.py reads
HEADER_LIMIT = 4096


class Server:
    def __init__(self):
        self.directory = tempfile.mkdtemp(prefix="reprofix-ranks-")
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.address = os.path.join(self.directory, "s")
            self.socket.bind(self.address)
        except OSError:  # a folder path too long for a Unix socket: Linux's abstract names have no file
            self.address = "\0" + os.path.basename(self.directory)
            self.socket.bind(self.address)
        self.socket.listen(256)
        self.socket.setblocking(False)

    def environment(self, base: dict | None = None) -> dict:
        """The command's environment: the channel's address and, first on PYTHONPATH, the folder whose
        sitecustomize starts a tee in each rank process. Rank variables verify itself has (a Slurm job
        running verify) are named so that they are not taken for the command's own."""
        env = dict(os.environ if base is None else base)
        path = env.get("PYTHONPATH", "")
        if not path.startswith(str(SITE)):
            env["PYTHONPATH"] = str(SITE) + (os.pathsep + path if path else "")
        env["REPROFIX_CHANNEL"] = self.address
        env["REPROFIX_OUTER_RANKS"] = json.dumps({name: env[name] for name in RANK_VARIABLES if name in env})
        env.pop("REPROFIX_TEED", None)
        return env

    def accept(self) -> socket.socket | None:
        try:
            link, _ = self.socket.accept()
        except OSError:  # none waiting, or no descriptor left (a process holding thousands): it tees nothing
            return None
        link.setblocking(False)
        return link

    def close(self) -> None:
        self.socket.close()
        shutil.rmtree(self.directory, ignore_errors=True)


def header(line: bytes) -> dict | None:
    """A connection's first line, checked; None if it is not a channel header."""
    try:
        data = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("stream") not in ("stdout", "stderr"):
        return None
    if not isinstance(data.get("rank"), int) or not isinstance(data.get("world", 0), int):
        return None
    return data
