"""Telling ranks apart under `reprofix verify`: a process that a distributed launcher started knows
its rank from its environment (RANK, OMPI_COMM_WORLD_RANK, RANK_ID, ...). Such a process gets a tee:
a small process of its own (tee.py) that copies everything written to its stdout and stderr, by Python
or by C code, to where it went before (byte for byte) and to verify's socket, behind a header that
says which rank and stream it is. Its children (data-loader workers) write through the same tee.

Standard library only; every failure leaves the process as it was."""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys

RANK_VARIABLES = ("RANK", "OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "PADDLE_GLOBAL_RANK", "PADDLE_TRAINER_ID",
                  "RANK_ID", "SLURM_PROCID", "LOCAL_RANK")
WORLD_VARIABLES = ("WORLD_SIZE", "OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "PADDLE_GLOBAL_SIZE",
                   "PADDLE_TRAINERS_NUM", "RANK_SIZE", "MS_WORKER_NUM", "SLURM_NTASKS", "LOCAL_WORLD_SIZE")
NOT_WORKERS = ("MS_SCHED", "MS_PSERVER")  # msrun's scheduler has RANK_ID=0 too, but trains nothing
CHANNEL = "REPROFIX_CHANNEL"  # verify's socket
OUTER = "REPROFIX_OUTER_RANKS"  # rank variables verify itself had (a Slurm job's): not the command's ranks
TEED = "REPROFIX_TEED"  # "pid:rank" of the nearest process whose output is teed already
TEE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tee.py")
HIGH_FD = 20  # where the tee's descriptors wait before they are moved to 3..8 in the new process


def own_rank(environ) -> tuple | None:
    """(rank, world size or 0) from the environment a launcher gave this process; None if it gave none."""
    try:
        outer = json.loads(environ.get(OUTER) or "{}")
    except ValueError:
        outer = {}
    rank = _first(environ, RANK_VARIABLES, outer)
    if rank is None or environ.get("MS_ROLE") in NOT_WORKERS:
        return None
    return rank, _first(environ, WORLD_VARIABLES, outer) or 0


def _first(environ, names, outer: dict) -> int | None:
    for name in names:
        value = environ.get(name)
        if value is not None and outer.get(name) != value and value.strip().isdigit():
            return int(value)
    return None


def start() -> None:
    address = os.environ.get(CHANNEL)
    if not address or not sys.executable:
        return
    found = own_rank(os.environ)
    if found is None:
        return
    rank, world = found
    teed = os.environ.get(TEED, "")
    parent_pid, _, parent_rank = teed.partition(":")
    if teed and parent_rank == str(rank):
        return  # a worker of an already teed process: its output goes through that tee
    launcher = int(parent_pid) if teed and parent_pid.isdigit() else None
    _tee(address, rank, world, launcher)
    os.environ[TEED] = f"{os.getpid()}:{rank}"


def _tee(address: str, rank: int, world: int, launcher: int | None) -> None:
    opened: list = []  # every descriptor made here: the tee has its own copies, this process keeps none
    links: list = []
    try:
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            if stream is not None:
                stream.flush()
        for name in ("stdout", "stderr"):
            links.append(_connect(address, {"rank": rank, "world": world, "stream": name, "pid": os.getpid(),
                                            "launcher_of": launcher}))
        out_read, out_write = os.pipe()
        opened += [out_read, out_write]
        err_read, err_write = os.pipe()
        opened += [err_read, err_write]
        # the tee's 1..6: the original stdout and stderr, the pipes' read ends, the sockets; moved out of
        # the way first, so that no move overwrites a descriptor still to be moved
        for fd in (1, 2, out_read, err_read, links[0].fileno(), links[1].fileno()):
            opened.append(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, HIGH_FD))
        actions = [(os.POSIX_SPAWN_DUP2, fd, target) for fd, target in zip(opened[4:], range(1, 7))]
        os.posix_spawn(sys.executable, [sys.executable, "-I", "-S", TEE], {}, file_actions=actions)
        os.dup2(out_write, 1)
        os.dup2(err_write, 2)
    except OSError:
        pass
    finally:
        for fd in opened:
            os.close(fd)
        for link in links:
            link.close()


def _connect(address: str, header: dict) -> socket.socket:
    link = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        link.connect(address)
        link.sendall(json.dumps(header).encode() + b"\n")
    except OSError:
        link.close()
        raise
    return link
