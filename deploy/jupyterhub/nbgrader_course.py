
# --- JupyterHub deployment (appended by deploy/jupyterhub/install.sh and the class demo) ---
# The grader's course folder uses the hub's shared exchange, whatever a course-local
# setting above says; the gradebook comes from IMMUNOCOURSE_DB_URL (PostgreSQL).
from nbgrader.auth import JupyterHubAuthPlugin as _HubAuth  # noqa: E402

from immunocourse.settings import HUB_EXCHANGE as _HUB_EXCHANGE  # noqa: E402
from immunocourse.settings import settings as _settings  # noqa: E402

c = get_config()  # noqa: F821 - the same config object the lines above filled in

c.Exchange.root = str(_settings.exchange or _HUB_EXCHANGE)  # IMMUNOCOURSE_EXCHANGE
c.Exchange.path_includes_course = True
c.Authenticator.plugin_class = _HubAuth
