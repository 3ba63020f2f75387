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
#
# Where it installs: these variables, when set, replace the defaults (a real server needs
# none of them; tests/test_install.py installs into a scratch folder with them). Each one
# the hub reads is also written into the unit, so the hub finds what was installed.
#   IMMUNOCOURSE_PREFIX         /opt/immunocourse      course code (course/) and venv (venv/)
#   IMMUNOCOURSE_VENV           $PREFIX/venv           the venv every user's server runs from
#   IMMUNOCOURSE_HUB_STATE      /srv/jupyterhub        the hub's database, cookie secret, pids
#   IMMUNOCOURSE_EXCHANGE       /srv/nbgrader/exchange nbgrader's exchange
#   IMMUNOCOURSE_ROSTER         /etc/immunocourse      students.txt, instructors.txt, hub.env
#   IMMUNOCOURSE_UNIT_DIR       /etc/systemd/system    where jupyterhub.service is written
#   IMMUNOCOURSE_GRADER_USER    grader-immunocourse    the account that runs the formgrader
#   IMMUNOCOURSE_GRADER_HOME    /home/$GRADER_USER
#   IMMUNOCOURSE_COURSE_DIR     $GRADER_HOME/immunocourse
#   IMMUNOCOURSE_DB_NAME        immunocourse           the gradebook's database and its role
#   IMMUNOCOURSE_HUB_IP ("": every interface), IMMUNOCOURSE_HUB_PORT (8000),
#   IMMUNOCOURSE_HUB_API_PORT (8081), IMMUNOCOURSE_PROXY_API_PORT (8001),
#   IMMUNOCOURSE_GRADER_PORT (9999), IMMUNOCOURSE_AUTHENTICATOR (pam, native or lti)
# PostgreSQL: the system cluster (Debian's newest "main"); started here when it is down and
# systemd is not running (a container), through pg_ctlcluster.
set -euo pipefail

SRC="$(cd "$(dirname "$0")/../.." && pwd)"
cd /   # runuser'd commands below start here, not in a folder their user cannot enter
COURSE=immunocourse
PREFIX="${IMMUNOCOURSE_PREFIX:-/opt/$COURSE}"   # world-readable: students' servers run from here
VENV="${IMMUNOCOURSE_VENV:-$PREFIX/venv}"
CODE="$PREFIX/course"             # a copy of this checkout (root's home is not readable)
GRADER="${IMMUNOCOURSE_GRADER_USER:-grader-$COURSE}"
GRADER_HOME="${IMMUNOCOURSE_GRADER_HOME:-/home/$GRADER}"
COURSE_DIR="${IMMUNOCOURSE_COURSE_DIR:-$GRADER_HOME/$COURSE}"
EXCHANGE="${IMMUNOCOURSE_EXCHANGE:-/srv/nbgrader/exchange}"
STATE="${IMMUNOCOURSE_HUB_STATE:-/srv/jupyterhub}"
ETC="${IMMUNOCOURSE_ROSTER:-/etc/$COURSE}"
UNIT_DIR="${IMMUNOCOURSE_UNIT_DIR:-/etc/systemd/system}"
DB="${IMMUNOCOURSE_DB_NAME:-$COURSE}"
HUB_IP="${IMMUNOCOURSE_HUB_IP:-}"
HUB_PORT="${IMMUNOCOURSE_HUB_PORT:-8000}"
HUB_API_PORT="${IMMUNOCOURSE_HUB_API_PORT:-8081}"
PROXY_API_PORT="${IMMUNOCOURSE_PROXY_API_PORT:-8001}"
GRADER_PORT="${IMMUNOCOURSE_GRADER_PORT:-9999}"
AUTHENTICATOR="${IMMUNOCOURSE_AUTHENTICATOR:-pam}"
# Debian's Python: a venv made from another one (pyenv under /root) is unreadable by students
PYTHON=/usr/bin/python3

die() { echo "install.sh: $*" >&2; exit 1; }
step() { echo "== $* (at ${SECONDS} s)"; }   # the time shows which step is slow
[ "$(id -u)" = 0 ] || die "run as root"
# Values go into a systemd unit and SQL: absolute paths without spaces, quotes or %
for pair in PREFIX:PREFIX VENV:VENV GRADER_HOME:GRADER_HOME COURSE_DIR:COURSE_DIR \
            EXCHANGE:EXCHANGE STATE:HUB_STATE ETC:ROSTER UNIT_DIR:UNIT_DIR; do
  name="${pair%%:*}"
  [[ "${!name}" =~ ^/[A-Za-z0-9._/+-]*$ ]] \
    || die "IMMUNOCOURSE_${pair#*:}='${!name}': an absolute path without spaces, quotes or %"
done
[[ "$GRADER" =~ ^[a-z_][a-z0-9_-]{0,31}$ ]] || die "IMMUNOCOURSE_GRADER_USER='$GRADER' is not a Linux user name"
[[ "$DB" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die "IMMUNOCOURSE_DB_NAME='$DB': lower-case letters, digits and _ only"
for name in HUB_PORT HUB_API_PORT PROXY_API_PORT GRADER_PORT; do
  [[ "${!name}" =~ ^[0-9]{1,5}$ ]] && [ "${!name}" -ge 1 ] && [ "${!name}" -le 65535 ] \
    || die "IMMUNOCOURSE_$name='${!name}' is not a TCP port (1-65535)"
done
[[ "$HUB_IP" =~ ^[0-9A-Fa-f.:]*$ ]] || die "IMMUNOCOURSE_HUB_IP='$HUB_IP' is not an IP address"
case "$AUTHENTICATOR" in pam|native|lti) ;; *) die "IMMUNOCOURSE_AUTHENTICATOR='$AUTHENTICATOR': pam, native or lti" ;; esac

step "Debian packages"
export DEBIAN_FRONTEND=noninteractive
packages=(python3 python3-venv python3-dev build-essential libpam0g-dev postgresql rsync ca-certificates)
# Debian's npm conflicts with a Node that ships its own npm (e.g. nodesource)
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

step "course code in $CODE"
mkdir -p "$PREFIX"
rsync -a --delete --exclude .git --exclude .venv --exclude _build --exclude node_modules \
  --exclude 'quizzes/gradebook.db' "$SRC/" "$CODE/"

step "Python venv in $VENV (PyPI, pinned)"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
# what was installed last time, so a second run does not reinstall the same pins
wanted="$(cat "$CODE/requirements.txt" "$CODE/deploy/jupyterhub/requirements.txt"; echo "auth=$AUTHENTICATOR")"
if [ "$wanted" != "$(cat "$VENV/.installed-requirements" 2>/dev/null)" ]; then
  "$VENV/bin/pip" install -q --upgrade pip
  (cd "$CODE" && "$VENV/bin/pip" install -q -r requirements.txt -r deploy/jupyterhub/requirements.txt)
  case "$AUTHENTICATOR" in
    native) "$VENV/bin/pip" install -q jupyterhub-nativeauthenticator==1.3.0 ;;
    lti)    "$VENV/bin/pip" install -q jupyterhub-ltiauthenticator==1.6.3 ;;
  esac
  printf '%s\n' "$wanted" > "$VENV/.installed-requirements"
fi
mkdir -p "$VENV/etc/jupyter"
install -m 0644 "$CODE/deploy/jupyterhub/nbgrader_config.py" "$VENV/etc/jupyter/nbgrader_config.py"
chmod -R a+rX "$PREFIX"

step "configurable-http-proxy (npm, pinned by package-lock.json)"
proxy="$CODE/deploy/jupyterhub"
if ! cmp -s "$proxy/package-lock.json" "$proxy/node_modules/.package-lock.json.installed"; then
  (cd "$proxy" && npm ci --no-audit --no-fund --omit=dev --loglevel=error >/dev/null)
  cp "$proxy/package-lock.json" "$proxy/node_modules/.package-lock.json.installed"
  chmod -R a+rX "$proxy/node_modules"
fi

step "exchange $EXCHANGE, hub state $STATE, roster $ETC"
mkdir -p "$EXCHANGE" "$STATE" "$ETC"
chmod 1777 "$EXCHANGE"   # everyone may submit; nbgrader keeps inbound write-only
chmod 0700 "$STATE"
touch "$ETC/students.txt" "$ETC/instructors.txt"

step "grader account $GRADER and its course folder $COURSE_DIR"
if ! id "$GRADER" >/dev/null 2>&1; then
  mkdir -p "$(dirname "$GRADER_HOME")"
  useradd --create-home --home-dir "$GRADER_HOME" --user-group --shell /bin/bash "$GRADER"
fi
chmod 0700 "$GRADER_HOME"
if [ ! -e "$COURSE_DIR/nbgrader_config.py" ]; then
  runuser -u "$GRADER" -- env -i HOME="$GRADER_HOME" PATH="$VENV/bin:/usr/bin:/bin" \
    "$VENV/bin/python" -c "import sys; from pathlib import Path; from immunocourse.grading.course import new_course; new_course(Path(sys.argv[1]))" "$COURSE_DIR"
fi
# the hub's part of the course config, once (a first run stopped here appends it now)
marker="$(grep -m 1 . "$CODE/deploy/jupyterhub/nbgrader_course.py")"
if ! grep -qxF -- "$marker" "$COURSE_DIR/nbgrader_config.py"; then
  cat "$CODE/deploy/jupyterhub/nbgrader_course.py" >> "$COURSE_DIR/nbgrader_config.py"
fi

step "PostgreSQL gradebook (database and role $DB)"
read -r pg_version pg_port pg_status < <(pg_lsclusters --no-header 2>/dev/null \
  | awk '$2 == "main" { print $1, $3, $4 }' | sort -n | tail -n 1) \
  || die "no PostgreSQL cluster 'main' (pg_lsclusters lists none): pg_createcluster --start 15 main"
pg_log="/var/log/postgresql/postgresql-$pg_version-main.log"
if [ "$pg_status" != online ]; then
  if [ -d /run/systemd/system ]; then
    systemctl start "postgresql@$pg_version-main"
  else
    pg_ctlcluster "$pg_version" main start || die "PostgreSQL $pg_version/main did not start; see $pg_log"
  fi
fi
psql_admin() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$pg_port" "$@"; }
psql_admin -c 'select 1' >/dev/null 2>&1 \
  || die "PostgreSQL $pg_version/main does not answer on port $pg_port; see $pg_log"
if [ ! -s "$ETC/hub.env" ]; then
  password="$("$PYTHON" -c 'import secrets; print(secrets.token_hex(16))')"
  # SQL on stdin: a password in psql's arguments would show in every user's `ps`. A role or
  # database left by a run that stopped before hub.env was written is reused.
  psql_admin -v db="$DB" <<SQL
SELECT format('CREATE ROLE %I LOGIN', :'db') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'db')\gexec
ALTER ROLE "$DB" PASSWORD '$password';
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'db') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db')\gexec
SQL
  # written whole or not at all: a half-written hub.env would be kept by the next run
  (umask 077; printf 'IMMUNOCOURSE_DB_URL=postgresql://%s:%s@127.0.0.1:%s/%s\n' \
    "$DB" "$password" "$pg_port" "$DB" > "$ETC/hub.env.new")
  mv "$ETC/hub.env.new" "$ETC/hub.env"
fi
chmod 0600 "$ETC/hub.env"

step "systemd unit $UNIT_DIR/jupyterhub.service"
mkdir -p "$UNIT_DIR"
cat > "$UNIT_DIR/jupyterhub.service.new" <<UNIT
[Unit]
Description=JupyterHub for the Immunotherapy course
After=network.target postgresql.service

[Service]
User=root
EnvironmentFile=$ETC/hub.env
Environment=IMMUNOCOURSE_VENV=$VENV
Environment=IMMUNOCOURSE_HUB_STATE=$STATE
Environment=IMMUNOCOURSE_EXCHANGE=$EXCHANGE
Environment=IMMUNOCOURSE_ROSTER=$ETC
Environment=IMMUNOCOURSE_GRADER_USER=$GRADER
Environment=IMMUNOCOURSE_GRADER_HOME=$GRADER_HOME
Environment=IMMUNOCOURSE_COURSE_DIR=$COURSE_DIR
Environment=IMMUNOCOURSE_AUTHENTICATOR=$AUTHENTICATOR
Environment=IMMUNOCOURSE_HUB_IP=$HUB_IP
Environment=IMMUNOCOURSE_HUB_PORT=$HUB_PORT
Environment=IMMUNOCOURSE_HUB_API_PORT=$HUB_API_PORT
Environment=IMMUNOCOURSE_PROXY_API_PORT=$PROXY_API_PORT
Environment=IMMUNOCOURSE_GRADER_PORT=$GRADER_PORT
WorkingDirectory=$STATE
ExecStart=$VENV/bin/jupyterhub -f $CODE/deploy/jupyterhub/jupyterhub_config.py
Restart=on-failure
# Stop only the hub on restart: students' servers keep running and the new hub resumes them
# (jupyterhub_config.py: cleanup_servers = False).
KillMode=process

[Install]
WantedBy=multi-user.target
UNIT
mv "$UNIT_DIR/jupyterhub.service.new" "$UNIT_DIR/jupyterhub.service"
# systemd starts only a unit in its own folder; one written elsewhere is for checking
if [ -d /run/systemd/system ] && [ "$UNIT_DIR" = /etc/systemd/system ]; then
  systemctl daemon-reload
  systemctl enable --now jupyterhub
  echo "JupyterHub is running on port $HUB_PORT; put HTTPS in front of it (README, Teaching a class)."
else
  echo "JupyterHub not started (systemd is not running, or IMMUNOCOURSE_UNIT_DIR is set): start"
  echo "it as $UNIT_DIR/jupyterhub.service says (Environment*, WorkingDirectory, ExecStart)."
fi
