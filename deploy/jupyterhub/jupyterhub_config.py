"""JupyterHub for the Immunotherapy course: one server, PAM logins, nbgrader's exchange.

Installed by deploy/jupyterhub/install.sh; `make class-demo` runs this same file with the
IMMUNOCOURSE_* variables below pointing at a throwaway setup. Follows nbgrader's
"multiple courses" layout: JupyterHub groups formgrade-<course> (instructors, graders) and
nbgrader-<course> (students), and a grader account that runs the formgrader as a
hub-managed service.

    jupyterhub -f /opt/immunocourse/deploy/jupyterhub/jupyterhub_config.py
"""

from pathlib import Path

from immunocourse.settings import HUB_EXCHANGE, settings

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

# Every IMMUNOCOURSE_* variable, its default and its check: immunocourse/settings.py
# (`python -m immunocourse settings` lists them). The hub runs from the course venv, where
# the package is installed (install.sh: `pip install -r requirements.txt`, which has -e .).
COURSE = "immunocourse"
VENV = settings.venv
HERE = Path(__file__).resolve().parent
STATE = settings.hub_state
ROSTER = settings.roster
EXCHANGE = str(settings.exchange or HUB_EXCHANGE)  # the old IMMUNOCOURSE_EXCHANGE_ROOT too
GRADER = settings.grader_user
COURSE_DIR = str(settings.course_dir)
SERVICE = f"formgrader-{COURSE}"


def roster(name: str) -> list[str]:
    """One user name per line in ROSTER/<name>.txt; blank lines and # comments skipped."""
    path = ROSTER / f"{name}.txt"
    if not path.is_file():
        return []
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


students, instructors = roster("students"), roster("instructors")

# --- Network: the public proxy, the hub's internal API, the proxy's API -------------------
c.JupyterHub.ip = settings.hub_ip  # default: all interfaces; put TLS in front
c.JupyterHub.port = settings.hub_port
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{settings.hub_api_port}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.proxy_api_port}"
# configurable-http-proxy pinned in package.json, installed by `npm ci` beside this file
c.ConfigurableHTTPProxy.command = [str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"  # the hub's own state
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
# A hub restart (an upgrade, a config change) must not end students' sessions: leave their
# servers running and resume them from the database. A proxy the hub started is replaced
# on restart (found by its pid file), which drops connections for a second; with
# IMMUNOCOURSE_PROXY=own the proxy is its own service and keeps running (the class demo
# does this). Under systemd, KillMode=process keeps the servers when the unit restarts.
c.JupyterHub.cleanup_servers = False
c.JupyterHub.cleanup_proxy = False
c.ConfigurableHTTPProxy.should_start = settings.proxy == "hub"

# --- Login: PAM (the server's Linux accounts) by default ---------------------------------
# Options (README, "Teaching a class"): IMMUNOCOURSE_AUTHENTICATOR=native for
# NativeAuthenticator (students sign up, an admin approves), or =lti for an LMS launch
# (jupyterhub-ltiauthenticator; set LTI13Authenticator's issuer, client id and endpoints).
authenticator = settings.authenticator
if authenticator == "native":
    c.JupyterHub.authenticator_class = "nativeauthenticator.NativeAuthenticator"
    c.NativeAuthenticator.open_signup = False
elif authenticator == "lti":
    c.JupyterHub.authenticator_class = "ltiauthenticator.lti13.authenticator.LTI13Authenticator"
else:
    c.JupyterHub.authenticator_class = "jupyterhub.auth.PAMAuthenticator"
c.Authenticator.allowed_users = set(students) | set(instructors) | {GRADER}
c.Authenticator.admin_users = set(instructors)

# --- Spawner: each user's JupyterLab, as that Linux user, from the course venv ----------
# The venv lives under /opt and is world-readable: a venv in root's home cannot be read
# by students, and their servers would fail to start.
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = [str(VENV / "bin" / "python"), "-m", "jupyterhub.singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 90
_user_env = {
    "PATH": f"{VENV / 'bin'}:/usr/local/bin:/usr/bin:/bin",  # kernels run the venv's python
    "IMMUNOCOURSE_EXCHANGE": EXCHANGE,
}
c.Spawner.environment = _user_env

# --- Groups and roles, as in nbgrader's multiple-courses setup ---------------------------
# Group names must start with "formgrade-" and "nbgrader-": nbgrader's JupyterHubAuthPlugin
# finds a user's courses from them.
c.JupyterHub.load_groups = {
    f"formgrade-{COURSE}": {"users": sorted(set(instructors) | {GRADER})},
    f"nbgrader-{COURSE}": {"users": sorted(set(students) | set(instructors))},
}
c.JupyterHub.load_roles = [
    {   # instructors and graders open the formgrader service, nobody else
        "name": f"formgrade-{COURSE}",
        "groups": [f"formgrade-{COURSE}"],
        "scopes": [f"access:services!service={SERVICE}", "list:services",
                   f"read:services!service={SERVICE}"],
    },
    {   # students discover the course's service (the assignment list asks for it)
        "name": f"nbgrader-{COURSE}",
        "groups": [f"nbgrader-{COURSE}"],
        "scopes": ["list:services", f"read:services!service={SERVICE}"],
    },
    {   # the formgrader reads who is in which course group (JupyterHubAuthPlugin)
        "name": f"{SERVICE}-service",
        "services": [SERVICE],
        "scopes": ["list:users", "read:users:groups", "read:users:name", "list:groups",
                   "read:groups"],
    },
    {   # a user's server token carries the user's own permissions (course lookup)
        "name": "server",
        "scopes": ["inherit"],
    },
]

# --- The formgrader: a JupyterLab run by the grader account as a hub-managed service -----
# The hub restarts it if it exits. Its working directory is the course folder (a copy of
# quizzes/ with deploy/jupyterhub/nbgrader_course.py appended).
#
# Content-Security-Policy: since JupyterHub 4.1 every single-user server sends
# "frame-ancestors 'none'" (nbgrader issues #1870, #1947), so JupyterLab cannot show the
# formgrader, which it opens in an iframe of the same server. formgrader_server_config.py
# sets "frame-ancestors 'self'" for this one server only: the formgrader can be framed by
# its own Lab; students' servers keep the hub's 'none'. With c.JupyterHub.subdomain_host
# set, 'self' also excludes pages served from other users' servers.
_grader_env = {
    "JUPYTERHUB_DEFAULT_URL": "/lab",
    "PATH": _user_env["PATH"],
    "IMMUNOCOURSE_EXCHANGE": EXCHANGE,
    "IMMUNOCOURSE_DB_URL": settings.db_url or "",  # PostgreSQL gradebook
    "HOME": str(settings.grader_home),
}
c.JupyterHub.services = [
    {
        "name": SERVICE,
        "url": f"http://127.0.0.1:{settings.grader_port}",
        "command": [str(VENV / "bin" / "python"), "-m", "jupyterhub.singleuser",
                    f"--config={HERE / 'formgrader_server_config.py'}"],
        "user": GRADER,
        "cwd": COURSE_DIR,
        "environment": _grader_env,
        "oauth_no_confirm": True,
    },
]

# An API-only admin service for scripted setup (the class demo starts servers and makes
# tokens with it). Only when a token is given; never needed for teaching.
if settings.admin_token:
    c.JupyterHub.services.append({"name": "immunocourse-admin",
                                  "api_token": settings.admin_token})
    c.JupyterHub.load_roles.append({
        "name": "immunocourse-admin",
        "services": ["immunocourse-admin"],
        "scopes": ["admin:users", "admin:servers", "tokens", "admin:groups",
                   "access:servers", "access:services", "list:services", "read:services"],
    })
