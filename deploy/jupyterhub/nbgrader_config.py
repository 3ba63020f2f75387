"""nbgrader settings for every hub user; installed as <venv>/etc/jupyter/nbgrader_config.py.

Students have no course folder: this file is all their nbgrader reads. The exchange root is
set here explicitly (not from any course-local setting) so students and the grader agree.
"""

from nbgrader.auth import JupyterHubAuthPlugin

from immunocourse.settings import HUB_EXCHANGE, settings

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "immunocourse"
c.Exchange.root = str(settings.exchange or HUB_EXCHANGE)  # IMMUNOCOURSE_EXCHANGE
# <root>/immunocourse/{inbound,outbound,feedback}: several courses can share one exchange
c.Exchange.path_includes_course = True
# a user's courses are their JupyterHub groups nbgrader-<course> and formgrade-<course>
c.Authenticator.plugin_class = JupyterHubAuthPlugin
c.NbGrader.course_titles = {"immunocourse": "Immunotherapy: an interactive course"}
