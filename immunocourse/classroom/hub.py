"""JupyterHub, started from deploy/jupyterhub/jupyterhub_config.py, and its REST API."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

REPO = Path(__file__).resolve().parents[2]
HUB_CONFIG = REPO / "deploy" / "jupyterhub" / "jupyterhub_config.py"


class HubError(RuntimeError):
    pass


@dataclass
class Hub:
    url: str  # the public proxy, e.g. http://127.0.0.1:PORT
    admin_token: str
    process: subprocess.Popen | None = None
    env: dict[str, str] = field(default_factory=dict)
    log: Path = Path()
    state: Path = Path()
    config: Path = HUB_CONFIG
    proxy: subprocess.Popen | None = None  # with IMMUNOCOURSE_PROXY=own

    @classmethod
    def start(cls, env: dict[str, str], log: Path, state: Path, config: Path = HUB_CONFIG,
              timeout: float = 90) -> Hub:
        """Start the proxy first if it is its own service (IMMUNOCOURSE_PROXY=own), then
        the hub in its own process group (so all of it can be stopped), and wait."""
        state.mkdir(parents=True, exist_ok=True)
        state.chmod(0o700)
        hub = cls(f"http://127.0.0.1:{env['IMMUNOCOURSE_HUB_PORT']}",
                  env["IMMUNOCOURSE_ADMIN_TOKEN"], None, env, log, state, config)
        try:
            if env.get("IMMUNOCOURSE_PROXY") == "own":
                hub.start_proxy(timeout)
            hub.launch(timeout)
        except BaseException:
            hub.stop()
            raise
        return hub

    @property
    def proxy_log(self) -> Path:
        return self.log.with_name("proxy.log")

    def start_proxy(self, timeout: float) -> None:
        """configurable-http-proxy as its own process, as its own systemd unit would run it:
        a new session, so that neither a hub restart nor its signals reach it."""
        env = self.env
        chp = self.config.parent / "node_modules" / ".bin" / "configurable-http-proxy"
        with open(self.proxy_log, "ab") as out:
            self.proxy = subprocess.Popen(
                [str(chp), "--ip", "127.0.0.1", "--port", env["IMMUNOCOURSE_HUB_PORT"],
                 "--api-ip", "127.0.0.1", "--api-port", env["IMMUNOCOURSE_PROXY_API_PORT"],
                 "--error-target",
                 f"http://127.0.0.1:{env['IMMUNOCOURSE_HUB_API_PORT']}/hub/error"],
                env={**os.environ, "CONFIGPROXY_AUTH_TOKEN": env["CONFIGPROXY_AUTH_TOKEN"]},
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        (self.state / "proxy.pid").write_text(f"{self.proxy.pid}\n")  # `clean` finds it
        api = f"http://127.0.0.1:{env['IMMUNOCOURSE_PROXY_API_PORT']}/api/routes"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proxy.poll() is not None:
                raise HubError(f"the proxy exited ({self.proxy.returncode}); "
                               f"see {self.proxy_log}")
            try:
                requests.get(api, timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise HubError(f"the proxy did not answer within {timeout:.0f} s; see {self.proxy_log}")

    def launch(self, timeout: float = 90) -> None:
        """Start the hub process and wait until its API answers through the proxy."""
        with open(self.log, "ab") as out:
            self.process = proc = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(self.config)],
                cwd=self.state, env={**os.environ, **self.env}, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise HubError(f"JupyterHub exited ({proc.returncode}); see {self.log}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=2).ok:
                    return
            except requests.RequestException:  # not listening yet, or not answering
                pass
            time.sleep(0.5)
        raise HubError(f"JupyterHub did not answer within {timeout:.0f} s; see {self.log}")

    def restart(self, timeout: float = 90) -> bool:
        """Stop the hub process alone and start it again with the same state and config.
        True if the hub finished its own shutdown (so its config, not a SIGKILL, decided
        what it left running)."""
        clean = self.stop_hub(grace=timeout)
        self.launch(timeout)
        return clean

    def stop_hub(self, grace: float = 30) -> bool:
        """SIGTERM to the hub (it stops its services; servers and the proxy stay, as
        jupyterhub_config.py says), then SIGKILL to what is left of its process group.
        True if the hub exited by itself within ``grace`` seconds."""
        if self.process is None or self.process.poll() is not None:
            return True
        self.process.send_signal(signal.SIGTERM)
        clean = True
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            clean = False
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        return clean

    def stop(self) -> None:
        """The hub, then the proxy (its own process, or one the hub left running)."""
        self.stop_hub()
        pid_file = self.state / "proxy.pid"
        with contextlib.suppress(OSError, ValueError):
            pid = int(pid_file.read_text().strip())
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and _alive(pid, self.proxy):
                time.sleep(0.1)
            os.kill(pid, signal.SIGKILL)
        if self.proxy is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proxy.wait(timeout=10)
        pid_file.unlink(missing_ok=True)

    # --- REST API ---------------------------------------------------------------------
    def api(self, method: str, path: str, token: str | None = None, **kw: Any) -> Any:
        r = requests.request(method, f"{self.url}/hub/api{path}", timeout=60,
                             headers={"Authorization": f"token {token or self.admin_token}"},
                             **kw)
        if not r.ok:
            raise HubError(f"{method} /hub/api{path}: HTTP {r.status_code} {r.text[:200]}")
        return r.json() if r.content else None

    def token_for(self, user: str) -> str:
        """A fresh API token owned by ``user``, with ``user``'s own permissions."""
        return self.api("POST", f"/users/{user}/tokens",
                        json={"note": "class demo", "expires_in": 3600})["token"]

    def start_server(self, user: str, timeout: float = 90) -> None:
        """Ask the hub to spawn ``user``'s JupyterLab and wait until it is ready."""
        self.api("POST", f"/users/{user}/server")
        self.wait_server(user, ready=True, timeout=timeout)

    def stop_server(self, user: str, timeout: float = 60) -> None:
        self.api("DELETE", f"/users/{user}/server")
        self.wait_server(user, ready=False, timeout=timeout)

    def wait_server(self, user: str, ready: bool, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.api("GET", f"/users/{user}").get("servers", {}).get("")
            if (bool(server and server.get("ready")) == ready
                    and not (server or {}).get("pending")):
                return
            time.sleep(0.5)
        state = "ready" if ready else "stopped"
        raise HubError(f"{user}'s server was not {state} within {timeout:.0f} s")

    def get(self, path: str, token: str, **kw: Any) -> requests.Response:
        """GET a page behind the proxy (a user's server or a service) as ``token``'s owner."""
        return requests.get(f"{self.url}{path}", headers={"Authorization": f"token {token}"},
                            timeout=60, allow_redirects=False, **kw)

    def post(self, path: str, token: str, **kw: Any) -> requests.Response:
        return requests.post(f"{self.url}{path}", headers={"Authorization": f"token {token}"},
                             timeout=120, allow_redirects=False, **kw)

    def put(self, path: str, token: str, **kw: Any) -> requests.Response:
        return requests.put(f"{self.url}{path}", headers={"Authorization": f"token {token}"},
                            timeout=60, allow_redirects=False, **kw)


def _alive(pid: int, child: subprocess.Popen | None) -> bool:
    """Whether ``pid`` still runs (reaped first if it is our own child)."""
    if child is not None and child.pid == pid:
        return child.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
