#!/usr/bin/env bash
# Install the course for a whole class on a fresh Debian 12 machine, as root:
#   JupyterHub (PAM logins) + configurable-http-proxy, nbgrader's exchange, a PostgreSQL
#   gradebook, the formgrader as a hub service run by grader-immunocourse.
#
#   sudo deploy/jupyterhub/install.sh            (from a checkout of the course)
#
# Everything comes from Debian packages, PyPI and npm, by name and pinned version. Safe to
# run again: it installs what is missing and keeps the roster, the gradebook and its
# password. Afterwards: list students in /etc/immunocourse/students.txt, instructors in
# /etc/immunocourse/instructors.txt, and `systemctl restart jupyterhub`.
set -euo pipefail

SRC="$(cd "$(dirname "$0")/../.." && pwd)"
COURSE=immunocourse
PREFIX=/opt/immunocourse          # world-readable: students' servers run from here
VENV="$PREFIX/venv"
CODE="$PREFIX/course"             # a copy of this checkout (root's home is not readable)
GRADER="grader-$COURSE"
GRADER_HOME="/home/$GRADER"
COURSE_DIR="$GRADER_HOME/$COURSE"
EXCHANGE=/srv/nbgrader/exchange
STATE=/srv/jupyterhub
ETC=/etc/immunocourse

[ "$(id -u)" = 0 ] || { echo "install.sh: run as root" >&2; exit 1; }

echo "== Debian packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  python3 python3-venv python3-dev build-essential libpam0g-dev \
  postgresql rsync ca-certificates >/dev/null
# Debian's npm conflicts with a Node that ships its own npm (e.g. nodesource)
command -v npm >/dev/null 2>&1 || apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null

echo "== course code in $CODE"
mkdir -p "$PREFIX"
rsync -a --delete --exclude .venv --exclude _build --exclude node_modules \
  --exclude 'quizzes/gradebook.db' "$SRC/" "$CODE/"

echo "== Python venv in $VENV (PyPI, pinned)"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --upgrade pip
(cd "$CODE" && "$VENV/bin/pip" install -q -r requirements.txt -r deploy/jupyterhub/requirements.txt)
case "${IMMUNOCOURSE_AUTHENTICATOR:-pam}" in
  native) "$VENV/bin/pip" install -q jupyterhub-nativeauthenticator==1.3.0 ;;
  lti)    "$VENV/bin/pip" install -q jupyterhub-ltiauthenticator==1.6.3 ;;
esac
mkdir -p "$VENV/etc/jupyter"
install -m 0644 "$CODE/deploy/jupyterhub/nbgrader_config.py" "$VENV/etc/jupyter/nbgrader_config.py"
chmod -R a+rX "$PREFIX"

echo "== configurable-http-proxy (npm, pinned by package-lock.json)"
(cd "$CODE/deploy/jupyterhub" && npm ci --no-audit --no-fund --omit=dev >/dev/null)

echo "== exchange $EXCHANGE, hub state $STATE, roster $ETC"
mkdir -p "$EXCHANGE" "$STATE" "$ETC"
chmod 1777 "$EXCHANGE"   # everyone may submit; nbgrader keeps inbound write-only
chmod 0700 "$STATE"
touch "$ETC/students.txt" "$ETC/instructors.txt"

echo "== grader account $GRADER and its course folder"
id "$GRADER" >/dev/null 2>&1 || useradd --create-home --home-dir "$GRADER_HOME" --user-group --shell /bin/bash "$GRADER"
chmod 0700 "$GRADER_HOME"
if [ ! -e "$COURSE_DIR/nbgrader_config.py" ]; then
  runuser -u "$GRADER" -- env -i HOME="$GRADER_HOME" PATH="$VENV/bin:/usr/bin:/bin" \
    "$VENV/bin/python" -c "from pathlib import Path; from immunocourse.grading.course import new_course; new_course(Path('$COURSE_DIR'))"
  cat "$CODE/deploy/jupyterhub/nbgrader_course.py" >> "$COURSE_DIR/nbgrader_config.py"
fi

echo "== PostgreSQL gradebook"
if [ ! -s "$ETC/hub.env" ]; then
  password="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
  # SQL on stdin: a password in psql's arguments would show in every user's `ps`
  runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 <<SQL
CREATE ROLE $COURSE LOGIN PASSWORD '$password';
CREATE DATABASE $COURSE OWNER $COURSE;
SQL
  umask 077
  printf 'IMMUNOCOURSE_DB_URL=postgresql://%s:%s@127.0.0.1:5432/%s\n' \
    "$COURSE" "$password" "$COURSE" > "$ETC/hub.env"
fi
chmod 0600 "$ETC/hub.env"

echo "== systemd unit jupyterhub.service"
cat > /etc/systemd/system/jupyterhub.service <<UNIT
[Unit]
Description=JupyterHub for the Immunotherapy course
After=network.target postgresql.service

[Service]
User=root
EnvironmentFile=$ETC/hub.env
Environment=IMMUNOCOURSE_VENV=$VENV
WorkingDirectory=$STATE
ExecStart=$VENV/bin/jupyterhub -f $CODE/deploy/jupyterhub/jupyterhub_config.py
Restart=on-failure

[Install]
WantedBy=multi-user.target
UNIT
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable --now jupyterhub
  echo "JupyterHub is running on port 8000; put HTTPS in front of it (README, Teaching a class)."
else
  echo "No systemd here: start it with  set -a; . $ETC/hub.env; $VENV/bin/jupyterhub -f $CODE/deploy/jupyterhub/jupyterhub_config.py"
fi
