"""JupyterHub, started from deploy/jupyterhub/jupyterhub_config.py, and its REST API."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
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

    @classmethod
    def start(cls, env: dict[str, str], log: Path, state: Path, timeout: float = 90) -> Hub:
        """Run the hub in its own process group (so all of it can be stopped) and wait."""
        state.mkdir(parents=True, exist_ok=True)
        state.chmod(0o700)
        hub_env = {**os.environ, **env}
        with open(log, "ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "jupyterhub", "-f", str(HUB_CONFIG)],
                cwd=state, env=hub_env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        hub = cls(f"http://127.0.0.1:{env['IMMUNOCOURSE_HUB_PORT']}",
                  env["IMMUNOCOURSE_ADMIN_TOKEN"], proc)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise HubError(f"JupyterHub exited ({proc.returncode}); see {log}")
            try:
                if requests.get(f"{hub.url}/hub/api/", timeout=2).ok:
                    return hub
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        hub.stop()
        raise HubError(f"JupyterHub did not answer within {timeout:.0f} s; see {log}")

    def stop(self) -> None:
        """SIGTERM to the hub (it stops the proxy, servers and services), then the group."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=30)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

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
        self._wait_server(user, ready=True, timeout=timeout)

    def stop_server(self, user: str, timeout: float = 60) -> None:
        self.api("DELETE", f"/users/{user}/server")
        self._wait_server(user, ready=False, timeout=timeout)

    def _wait_server(self, user: str, ready: bool, timeout: float) -> None:
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
