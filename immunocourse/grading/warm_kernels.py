"""Grading kernels started from a warm process: the same ipykernel, a fraction of the cost.

``nbgrader autograde`` starts one kernel per submission. Starting a Python kernel costs
about 0.3 s of CPU, nearly all of it importing ipykernel, IPython, zmq and the course's
grading code, before a single cell runs; for a class of 200 that is most of the grading
time. Here each grading process keeps one small *fork server* that imports those modules
once and then, for each kernel, forks a child that runs ipykernel exactly as
``python -m ipykernel_launcher -f CONNECTION_FILE ...`` would: same interpreter, same
arguments, its own working folder, environment and session, a fresh process per
submission (nothing a kernel does can reach the next one), and nothing of the student's
is imported before the fork.

:class:`WarmExecute` is nbgrader's ``Execute`` preprocessor with this kernel manager and
immediate kernel shutdown (grading reads every output before it stops the kernel, so the
graceful wait only costs time); ``quizzes/nbgrader_config.py`` puts it first in
``Autograde.autograde_preprocessors``. A command that is not this interpreter's
``ipykernel_launcher``, or a fork server that cannot start, falls back to jupyter_client's
ordinary launch, so grading never depends on this being available.

Linux only (pidfds, Linux 5.3); elsewhere the fallback is used. To grade without warm
kernels, set ``IMMUNOCOURSE_WARM_KERNELS=0`` in nbgrader's environment: the course's
nbgrader_config.py then uses nbgrader's stock ``Execute`` (grades are the same; each kernel
is started the ordinary way). Either way no grading kernel gets the grader's secrets
(:mod:`.kernel_env`).

Written for jupyter_client 8.10.0 and ipykernel 7.4.0, pinned in requirements.txt: this
module overrides jupyter_client's private ``AsyncKernelManager._async_pre_start_kernel``
and ``KernelProvisionerBase._finalize_env``, calls ``AsyncKernelClient._async_is_alive``
and ``_handle_kernel_info_reply``, and sets ``LocalProvisioner``'s ``process``, ``pid`` and
``pgid``; :mod:`.kernel_server` starts ipykernel's ``IPKernelApp`` in a forked child.
tests/test_grading_kernels.py fails when the installed versions differ.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from nbgrader.preprocessors import Execute
from traitlets import DottedObjectName, Enum, Type, Unicode

# GRADER_SECRETS was defined here before kernel_env held it: old imports of it still work.
from immunocourse.grading.kernel_env import GRADER_SECRETS, strip_grader_secrets  # noqa: F401
from immunocourse.grading.submission import GRADING_SKIP_TAG

_SERVE = "immunocourse.grading.kernel_server"  # the fork server's module, run with -m
CALL_TIMEOUT = 60  # seconds the fork server may take to answer one request


def _kernel_args(cmd: list[str]) -> list[str] | None:
    """The arguments after ``-m ipykernel_launcher`` when ``cmd`` runs this interpreter's
    ipykernel, else None (that command is launched the ordinary way)."""
    if len(cmd) < 3 or cmd[1:3] != ["-m", "ipykernel_launcher"]:
        return None
    # the same path, not the same file: another virtualenv's python is often a link to
    # this very binary, and its kernel must get its own packages
    return cmd[3:] if os.path.abspath(cmd[0]) == os.path.abspath(sys.executable) else None


def _code_stamp() -> tuple:
    """The course package's files as the fork server imports them: an edit means a new
    server (a long-lived formgrader must not grade with code that has since changed)."""
    package = Path(__file__).resolve().parents[1]
    stats = ((str(f), f.stat()) for f in package.rglob("*.py"))  # one stat per file
    return tuple(sorted((name, st.st_mtime_ns, st.st_size) for name, st in stats))


# --------------------------------------------------------------------------------------
# In the grading process


class _ForkServer:
    """The grading process's end of one fork server, started for one environment."""

    def __init__(self, env: dict[str, str]) -> None:
        ours, theirs = socket.socketpair()
        self.key = _server_key(env)
        self.lock = threading.Lock()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", _SERVE, str(theirs.fileno())], pass_fds=[theirs.fileno()],
            env=env, cwd="/", stdin=subprocess.DEVNULL, start_new_session=True)
        theirs.close()
        ours.settimeout(CALL_TIMEOUT)  # a server that stops answering fails the call
        self.stream = ours.makefile("rwb", buffering=0)
        self.sock = ours

    def call(self, request: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.stream.write(json.dumps(request).encode() + b"\n")
            line = self.stream.readline()
        if not line:
            raise OSError("the grading kernels' fork server has stopped")
        return json.loads(line)

    def close(self) -> None:
        """Close our end: the server kills any kernel left and exits."""
        with contextlib.suppress(OSError):
            self.stream.close()  # both, or the socket stays open and the server waits on
            self.sock.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)


def _server_key(env: dict[str, str]) -> tuple:
    # JPY_* differ per kernel and are set in the child; anything else needs its own server
    return (tuple(sorted((k, v) for k, v in env.items() if not k.startswith("JPY_"))),
            _code_stamp())


_server: _ForkServer | None = None
_server_lock = threading.Lock()


def _fork_server(env: dict[str, str]) -> _ForkServer:
    global _server
    with _server_lock:
        stale = _server is not None and (
            _server.key != _server_key(env) or _server.proc.poll() is not None)
        if stale:
            _server.close()
            _server = None
        if _server is None:
            _server = _ForkServer(env)
        return _server


@atexit.register
def _stop_server() -> None:
    if _server is not None:
        _server.close()


class ForkedKernel:
    """The parts of ``subprocess.Popen`` jupyter_client uses, for a forked kernel.

    The kernel is held by a pidfd, opened while the server still holds it unreaped: the
    pidfd becomes readable only when the whole process has ended (not merely its main
    thread), and signals sent through it can never reach a process that later gets the
    same pid.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int, server: _ForkServer) -> None:
        self.pid = pid
        self.server = server
        self.returncode: int | None = None
        self.pidfd = os.pidfd_open(pid)

    def poll(self) -> int | None:
        if self.returncode is not None:
            return self.returncode
        if not select.select([self.pidfd], [], [], 0)[0]:
            return None
        status = None
        with contextlib.suppress(OSError, ValueError, KeyError):  # the server may be gone
            status = self.server.call({"op": "reap", "pid": self.pid})["status"]
        self.returncode = os.waitstatus_to_exitcode(status) if status else 0
        os.close(self.pidfd)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired(["ipykernel"], timeout or 0)
            time.sleep(0.005)
        return self.returncode or 0

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            signal.pidfd_send_signal(self.pidfd, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class WarmProvisioner(LocalProvisioner):
    """LocalProvisioner whose Python kernels are forked from the warm server."""

    def _finalize_env(self, env: dict[str, str]) -> None:
        super()._finalize_env(env)
        strip_grader_secrets(env)  # always: these kernels only ever grade (kernel_env.py)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        args = _kernel_args(cmd)
        env, cwd = kwargs.get("env"), kwargs.get("cwd") or os.getcwd()
        if args is None or env is None or not hasattr(os, "pidfd_open"):
            return await super().launch_kernel(cmd, **kwargs)
        try:
            server = _fork_server(dict(env))
            reply = server.call({"op": "launch", "args": args, "env": dict(env),
                                 "cwd": str(cwd)})
            pid = int(reply["pid"])
        except (OSError, KeyError, ValueError) as exc:
            self.log.warning("grading kernel: fork server unavailable (%s); starting "
                             "the kernel the ordinary way", exc)
            return await super().launch_kernel(cmd, **kwargs)
        self.process = ForkedKernel(pid, server)  # type: ignore[assignment]
        self.pid = self.pgid = pid  # the child called setsid()
        self.cwd = cwd
        return self.connection_info

    async def send_signal(self, signum: int) -> None:
        # The kernel's group (it and anything it started) while the kernel is unreaped,
        # so its pid is still its own; never a pid or group that may be someone else's.
        if isinstance(self.process, ForkedKernel):
            if self.process.poll() is not None:
                return
            try:
                os.killpg(self.pid, signum)
            except OSError:  # not its own group yet (it calls setsid first thing)
                self.process.send_signal(signum)
            return
        await super().send_signal(signum)

    async def wait(self) -> int | None:
        # LocalProvisioner polls every 0.1 s; a killed kernel is gone within milliseconds
        if isinstance(self.process, ForkedKernel):
            while self.process.poll() is None:
                await asyncio.sleep(0.005)
            code, self.process = self.process.returncode, None
            return code
        return await super().wait()


class WarmKernelClient(AsyncKernelClient):
    """AsyncKernelClient that knows a kernel is ready as soon as it is.

    jupyter_client ends ``wait_for_ready`` by waiting for 0.2 s of silence on IOPub, a
    fixed 0.2 s per kernel. Here the kernel is ready once it has answered ``kernel_info``
    and IOPub is known to be connected: the kernel welcomed this subscriber, or IOPub
    carried the ``idle`` status of that request. Messages still queued are dropped, as
    jupyter_client drops them; a cell's messages are only ever matched by their parent.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:  # type: ignore[override]
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            answered = reply is not None and reply["msg_type"] == "kernel_info_reply"
            if answered and await self._idle_on_iopub(reply["parent_header"].get("msg_id"), 0.2):
                self._handle_kernel_info_reply(reply)
                break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
        with contextlib.suppress(Empty):  # anything else already queued is startup noise
            while True:
                await self.iopub_channel.get_msg(timeout=0)

    async def _idle_on_iopub(self, msg_id: str | None, timeout: float) -> bool:
        """True once IOPub shows it is connected: the kernel's welcome to this subscriber
        (ipykernel 7) or the idle status of request ``msg_id``."""
        end = time.monotonic() + timeout
        while (left := end - time.monotonic()) > 0:
            try:
                msg = await self.iopub_channel.get_msg(timeout=left)
            except Empty:
                return False
            if msg["msg_type"] == "iopub_welcome":
                return True
            if (msg["msg_type"] == "status" and msg["parent_header"].get("msg_id") == msg_id
                    and msg["content"].get("execution_state") == "idle"):
                return True
        return False


class WarmKernelManager(AsyncKernelManager):
    """AsyncKernelManager that launches through :class:`WarmProvisioner`."""

    client_class = DottedObjectName("immunocourse.grading.warm_kernels.WarmKernelClient",
                                    config=True)
    client_factory = Type(klass=AsyncKernelClient, default_value=WarmKernelClient, config=True)

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
            self.provisioner = WarmProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)


class WarmExecute(Execute):
    """nbgrader's Execute with kernels from the warm fork server, stopped at once."""

    shutdown_kernel = Enum(["graceful", "immediate"], default_value="immediate",
                           help="Grading has read every output by then: stop the kernel at "
                           "once.").tag(config=True)

    # Only cells the sanitizing step marked from the instructor's source are skipped (it
    # strips this tag and ``skip-execution`` from anything a student handed in).
    skip_cells_with_tag = Unicode(GRADING_SKIP_TAG).tag(config=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("kernel_manager_class", WarmKernelManager)
        super().__init__(*args, **kwargs)


