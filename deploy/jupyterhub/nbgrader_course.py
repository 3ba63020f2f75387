
# --- JupyterHub deployment (appended by deploy/jupyterhub/install.sh and the class demo) ---
# The grader's course folder uses the hub's shared exchange, whatever a course-local
# setting above says; the gradebook comes from IMMUNOCOURSE_DB_URL (PostgreSQL).
import os as _os  # noqa: E402

from nbgrader.auth import JupyterHubAuthPlugin as _HubAuth  # noqa: E402

c = get_config()  # noqa: F821 - the same config object the lines above filled in

c.Exchange.root = _os.environ.get("IMMUNOCOURSE_EXCHANGE_ROOT", "/srv/nbgrader/exchange")
c.Exchange.path_includes_course = True
c.Authenticator.plugin_class = _HubAuth
