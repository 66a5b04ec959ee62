"""The tee of one rank process under `reprofix verify` (started by ranks.py as `python -I -S tee.py`).

Descriptors: 3 and 4 are the read ends of the pipes that became the process's stdout and stderr; 1 and
2 are where they went before; 5 and 6 are verify's sockets for each. Everything read is written to the
socket, then to the original, unchanged. When the original can no longer be written (its reader is
gone), the pipe is closed, so the process gets the same broken pipe it would have got. Verify going
away only ends the copy to the socket. Ends when both pipes are closed by every process holding them.
Ignores SIGINT, SIGTERM and SIGHUP: it must outlive the process's last words; SIGKILL still ends it."""

import errno
import os
import select
import signal

for _signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(_signum, signal.SIG_IGN)


def write_all(fd: int, data: bytes) -> bool:
    """Write everything (waiting while the descriptor is full); False if it cannot be written."""
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view):]
        except BlockingIOError:
            select.select([], [fd], [])
        except InterruptedError:
            continue
        except OSError:
            return False
    return True


def main() -> None:
    routes = {3: [1, 5], 4: [2, 6]}  # pipe -> [original, socket]; None once it cannot be written
    poller = select.poll()
    for fd in routes:
        poller.register(fd, select.POLLIN)
    while routes:
        try:
            events = poller.poll()
        except InterruptedError:
            continue
        for fd, _ in events:
            try:
                data = os.read(fd, 65536)
            except InterruptedError:
                continue
            except OSError as error:
                data = b"" if error.errno != errno.EAGAIN else None
            if data is None:
                continue
            original, link = routes[fd]
            if data and link is not None and not write_all(link, data):
                os.close(link)
                routes[fd][1] = link = None
            if data and write_all(original, data):
                continue
            poller.unregister(fd)  # the end of the stream, or its reader is gone
            os.close(fd)
            if link is not None:
                os.close(link)
            del routes[fd]


main()
