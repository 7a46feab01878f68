#!/bin/sh
# make compat: the unit tests (no browser, no nbval) with the project's warning filter against
#   newest  the newest release of every dependency, on the newest Python found on this machine
#   lowest  the lower bounds pyproject.toml declares (uv --resolution lowest-direct), on the
#           oldest Python the project supports (PYTHON, the one make test uses)
# Each mode has its own virtualenv under .venv/compat/ (reused; uv pip sync makes it match the
# resolution exactly) and writes its resolution to .venv/compat/MODE/requirements.txt.
# A Python version that is not on this machine is skipped with a message, never downloaded.
#
#   scripts/compat.sh newest|lowest   (UV, PYTHON, PROJECT_PYTHON, COMPAT_DIR can be overridden)
set -eu

MODE="${1:?usage: scripts/compat.sh newest|lowest}"
SKIP=""
UV="$(cd "$(dirname "${UV:-.venv/bin/uv}")" && pwd)/$(basename "${UV:-.venv/bin/uv}")"
export UV  # absolute: tests/test_wheel.py runs it from a temporary folder
PYTHON="${PYTHON:-python3}"
DIR="${COMPAT_DIR:-.venv/compat}/$MODE"
EXTRAS="--all-extras"
NEWER="3.13 3.12"  # looked for, newest first (the versions the project supports above 3.11)

say() { echo "compat $MODE: $*"; }

# A working interpreter for version $1 (pyenv shims exist for versions that are not active,
# so each candidate is run, not only looked up), or nothing.
find_python() {
    for candidate in "$(command -v "python$1" 2>/dev/null || true)" \
        "/usr/bin/python$1" "/usr/local/bin/python$1" \
        "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$1".*/bin/"python$1"; do
        [ -n "$candidate" ] && [ -x "$candidate" ] || continue
        if "$candidate" -c "import sys, venv; assert sys.version_info[:2] == tuple(map(int, '$1'.split('.')))" \
            >/dev/null 2>&1; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

case "$MODE" in
newest)
    PY=""
    for version in $NEWER; do
        if found="$(find_python "$version")"; then
            [ -z "$PY" ] && PY="$found"
        else
            say "skipped Python $version: not on this machine (no python$version on PATH, in /usr/bin, /usr/local/bin or pyenv; install it with apt, pyenv or 'uv python install $version')"
        fi
    done
    if [ -z "$PY" ]; then
        PY="$(command -v "$PYTHON")"
        say "no Python newer than $("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])') here: newest dependencies on $PY"
    fi
    RESOLVE="--upgrade"
    ;;
lowest)
    PY="$(command -v "$PYTHON")"
    RESOLVE="--resolution lowest-direct"
    SKIP="--deselect tests/test_wheel.py"  # installs the lock's versions: make test covers it
    ;;
*)
    echo "usage: scripts/compat.sh newest|lowest" >&2
    exit 2
    ;;
esac

PY="$("$PY" -c 'import sys; print(sys.executable)')"  # the interpreter, not a pyenv shim
VERSION="$("$PY" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
say "Python $VERSION ($PY)"
mkdir -p "$DIR"
[ -x "$DIR/bin/python" ] && "$DIR/bin/python" -c "import sys; assert '%d.%d.%d' % sys.version_info[:3] == '$VERSION'" 2>/dev/null \
    || "$UV" venv --quiet --clear --python "$PY" "$DIR"

# shellcheck disable=SC2086  # RESOLVE and EXTRAS are lists of options
"$UV" pip compile pyproject.toml $EXTRAS $RESOLVE --python "$DIR/bin/python" --quiet \
    --no-header --no-annotate -o "$DIR/requirements.txt"
if [ "$MODE" = lowest ]; then
    # The declared lower bounds must be the versions that resolve (not merely allowed).
    "${PROJECT_PYTHON:-.venv/bin/python}" scripts/compat_bounds.py pyproject.toml "$DIR/requirements.txt"
fi
"$UV" pip sync --python "$DIR/bin/python" --quiet --compile-bytecode "$DIR/requirements.txt"
"$UV" pip install --python "$DIR/bin/python" --quiet --no-deps --compile-bytecode -e .
say "$("$DIR/bin/python" -c 'import numpy, pandas, matplotlib; print("numpy", numpy.__version__, "pandas", pandas.__version__, "matplotlib", matplotlib.__version__)')"

# The unit tests as make test runs them (same pyproject: same warning filter), minus the
# real-browser tests, nbval and the tests that run notebooks in a Jupyter kernel (they run on
# the lock in make test; under Python 3.13 with the newest Jupyter stack one hung for minutes,
# which would hold CI up); the module-size, stands-alone and README checks are
# version-independent and run here too.
# shellcheck disable=SC2086
"$DIR/bin/python" -m pytest -q -p no:cacheprovider tests -m "not browser" \
    --ignore=tests/browser --ignore=tests/test_notebook_render.py \
    --deselect tests/test_report.py::test_notebook_runs_on_another_file_set_by_its_parameters \
    $SKIP
