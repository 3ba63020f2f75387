"""The fork server behind :mod:`immunocourse.grading.warm_kernels`.

    python -m immunocourse.grading.kernel_server FD

Imports what a grading kernel needs, once, then reads one JSON request per line on the
socket ``FD``:

* ``{"op": "launch", "args": [...], "env": {...}, "cwd": "..."}`` forks a child that runs
  ipykernel as ``python -m ipykernel_launcher ARGS`` would, in ``cwd`` with ``env``, in a
  session of its own; the reply is ``{"pid": N}``.
* ``{"op": "reap", "pid": N}`` collects a child that has exited; the reply is
  ``{"status": WAIT_STATUS}``, or ``{"status": null}`` while it still runs (a kernel whose
  main thread ended while other threads go on looks like a zombie but is not: the server
  never waits on it). A child is only ever reaped on request, so its pid cannot be reused
  while the grading process may still signal it.

It exits when the grading process closes its end (killing any kernel left), or after
``IDLE_EXIT_SECONDS`` with no kernel and no request. Standard library only until the
warm imports, so it starts fast and imports nothing the kernel would not.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import select
import signal
import socket
import sys
import threading
from typing import Any

# Everything a grading kernel loads to start and to run a quiz's cells. Only imports: no
# thread or socket exists at a fork (checked before each one). Not ipywidgets: it registers
# its comm targets only when imported inside a running kernel, and draws nothing while
# nbgrader grades anyway.
WARM_MODULES = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
    "pdb", "psutil", "sqlite3", "immunocourse.quiz.widgets", "immunocourse.grading.cells",
)
IDLE_EXIT_SECONDS = 300


def _child(request: dict[str, Any], server_fd: int) -> None:
    """In the forked child: become the kernel ``python -m ipykernel_launcher ARGS`` is."""
    code = 1
    try:
        os.close(server_fd)
        # its own session and process group, as jupyter_client gives a kernel it launches;
        # signal dispositions stay the interpreter's own (SIGPIPE ignored), as in a kernel
        # started with Popen
        os.setsid()
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ["JPY_PARENT_PID"] = str(os.getppid())  # it exits if the server goes
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        sys.argv = ["ipykernel_launcher", *request["args"]]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - reported on stderr; the child then exits
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def serve(fd: int) -> None:
    sock = socket.socket(fileno=fd)
    # Read at import by ipykernel (IPKernelApp.parent_handle's default): the kernels'
    # parent is this process, which is what each child's environment will say.
    os.environ["JPY_PARENT_PID"] = str(os.getpid())
    for name in WARM_MODULES:
        with contextlib.suppress(Exception):  # a module that fails loads in the kernel instead
            importlib.import_module(name)
    # as ipykernel_launcher does: not the script's folder on sys.path (IPython adds '')
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    stream = sock.makefile("rwb", buffering=0)
    children: set[int] = set()
    try:
        while True:
            ready, _, _ = select.select([sock], [], [], IDLE_EXIT_SECONDS)
            if not ready and not children:
                break
            if not ready:
                continue
            line = stream.readline()
            if not line:
                break  # the grading process closed its end, or died
            request = json.loads(line)
            reply: dict[str, Any]
            if request.get("op") == "launch":
                if threading.active_count() != 1:  # forking would copy a thread's locks
                    reply = {"error": "a thread was started in the fork server"}
                else:
                    pid = os.fork()
                    if pid == 0:
                        _child(request, fd)
                    children.add(pid)
                    reply = {"pid": pid}
            elif request.get("op") == "reap" and request.get("pid") in children:
                pid, status = os.waitpid(request["pid"], os.WNOHANG)
                if pid:
                    children.discard(pid)
                reply = {"status": status if pid else None}
            else:
                reply = {"error": f"unknown request {request!r:.80}"}
            stream.write(json.dumps(reply).encode() + b"\n")
    finally:
        for pid in children:  # the grading process is gone: so are its kernels
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)


if __name__ == "__main__":
    serve(int(sys.argv[1]))
