"""Jupyter Server settings for the formgrader service only (see jupyterhub_config.py)."""

c = get_config()  # noqa: F821 - provided by Jupyter Server when it loads this file

# JupyterHub >= 4.1 sends "frame-ancestors 'none'" unless a server sets its own policy
# (jupyterhub/singleuser/extension.py uses setdefault). The formgrader is an iframe inside
# this server's JupyterLab, so allow framing by the same origin and nothing else
# (nbgrader issues #1870 and #1947).
c.ServerApp.tornado_settings = {
    "headers": {"Content-Security-Policy": "frame-ancestors 'self'"},
}
