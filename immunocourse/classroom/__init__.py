"""A whole class on one machine: Linux accounts, JupyterHub, nbgrader's exchange, PostgreSQL.

``make class-demo`` runs :mod:`immunocourse.classroom.term` (see its docstring); the hub's
configuration is deploy/jupyterhub/jupyterhub_config.py, the same file a department server
uses. Needs root (it creates accounts) and the Debian ``postgresql`` package.
"""
