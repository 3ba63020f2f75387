"""What no grading kernel's environment holds: the grader's secrets.

On the class server the grading process (``nbgrader autograde``, the formgrader) holds the
gradebook's password in ``IMMUNOCOURSE_DB_URL`` and the grader's hub token; it needs the
first to write grades. A kernel that grades runs the cells of the notebook, and in an
assignment that is not a quiz those are the student's: it must see neither.

Whichever ``Execute`` step runs the kernel (the warm kernels of :mod:`.warm_kernels` or
nbgrader's stock ``Execute``), jupyter_client prepares its environment in
``KernelProvisionerBase._finalize_env``, the hook jupyter_client gives provisioners for
this. :func:`keep_secrets_from_grading_kernels` (called by quizzes/nbgrader_config.py)
wraps it so that every kernel started while nbgrader executes a notebook
(``NBGRADER_EXECUTION`` set, as nbgrader sets it for autograde and validate) starts
without :data:`GRADER_SECRETS`. The grading process keeps them, and so do kernels the
grader opens in the formgrader's Lab, outside grading.
"""

from __future__ import annotations

from collections.abc import MutableMapping

from immunocourse.settings import SETTINGS

# The grader's environment on the hub holds the gradebook's password and the grader's hub
# token (deploy/jupyterhub/jupyterhub_config.py, and what JupyterHub gives a service): every
# setting declared secret, and the tokens JupyterHub hands a service.
GRADER_SECRETS = frozenset({s.variable for s in SETTINGS if s.secret}
                           | {"JUPYTERHUB_API_TOKEN", "JPY_API_TOKEN"})
_MARK = "_immunocourse_keeps_secrets"


def strip_grader_secrets(env: MutableMapping[str, str]) -> None:
    """Remove the grader's secrets from a kernel's environment, in place."""
    for name in GRADER_SECRETS:
        env.pop(name, None)


def keep_secrets_from_grading_kernels() -> None:
    """Start every grading kernel of this process without :data:`GRADER_SECRETS`.

    Idempotent: the formgrader loads nbgrader_config.py again for each command.
    """
    from jupyter_client.provisioning.provisioner_base import KernelProvisionerBase

    finalize = KernelProvisionerBase._finalize_env
    if getattr(finalize, _MARK, False):
        return

    def _finalize_env(self: KernelProvisionerBase, env: dict[str, str]) -> None:
        finalize(self, env)
        if env.get("NBGRADER_EXECUTION"):  # a kernel nbgrader runs a notebook in
            strip_grader_secrets(env)

    setattr(_finalize_env, _MARK, True)
    KernelProvisionerBase._finalize_env = _finalize_env  # type: ignore[method-assign]
