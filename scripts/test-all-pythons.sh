#!/usr/bin/env bash
# Run the test suite on every supported CPython (3.10-3.13) that pyenv has installed.
#
# For each version: a fresh venv (outside the checkout), `pip install '.[test]'`, then
# `python -m pytest` with every DeprecationWarning raised from s2sad's own modules --
# the package, its subpackages and the generated code (`s2sad.generated`) -- turned into
# an error. Warnings from other libraries stay warnings.
#
#   scripts/test-all-pythons.sh                  # all of 3.10 3.11 3.12 3.13
#   S2SAD_PYTHONS="3.12 3.13" scripts/test-all-pythons.sh
#   scripts/test-all-pythons.sh tests/test_spine.py -x     # extra arguments go to pytest
#
# Environment: PYENV_ROOT (default ~/.pyenv), S2SAD_PYTHONS (versions), S2SAD_VENVS (where the
# venvs go, default $TMPDIR/s2sad-venvs), S2SAD_FUZZ (the fuzz profile, default ci).
# Exit status: 0 when every installed version passed; a missing version is reported, not failed.
set -uo pipefail

cd "$(dirname "$0")/.."
PYENV_ROOT=${PYENV_ROOT:-$HOME/.pyenv}
VENVS=${S2SAD_VENVS:-${TMPDIR:-/tmp}/s2sad-venvs}
VERSIONS=${S2SAD_PYTHONS:-"3.10 3.11 3.12 3.13"}
export PIP_DISABLE_PIP_VERSION_CHECK=1
mkdir -p "$VENVS"

# One -W flag per s2sad module: pytest matches the module field of -W exactly, not as a prefix.
WARNINGS_SCRIPT='
import pkgutil, s2sad
names = ["s2sad", "s2sad.generated"] + [m.name for m in pkgutil.walk_packages(s2sad.__path__, "s2sad.")]
print(" ".join(f"-W error::DeprecationWarning:{n}" for n in names))
'

summary=()
status=0
for version in $VERSIONS; do
    python=$(ls -d "$PYENV_ROOT"/versions/"$version".* 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$python" ] || [ ! -x "$python/bin/python" ]; then
        summary+=("$version  not installed under $PYENV_ROOT/versions (skipped)")
        continue
    fi
    full=$("$python/bin/python" -c 'import platform; print(platform.python_version())')
    venv="$VENVS/py$version"
    log="$VENVS/py$version.log"
    echo "== Python $full: venv $venv, log $log"
    if ! { "$python/bin/python" -m venv --clear "$venv" \
            && "$venv/bin/python" -m pip install -q --upgrade pip \
            && "$venv/bin/python" -m pip install -q '.[test]'; } >"$log" 2>&1; then
        summary+=("$full  INSTALL FAILED (see $log)")
        status=1
        continue
    fi
    # shellcheck disable=SC2046  # the flags are meant to split
    flags=$("$venv/bin/python" -c "$WARNINGS_SCRIPT")
    start=$(date +%s)
    # shellcheck disable=SC2086
    "$venv/bin/python" -m pytest -p no:cacheprovider $flags "$@" >>"$log" 2>&1
    code=$?
    seconds=$(( $(date +%s) - start ))
    result=$(grep -E '^[0-9]+ (passed|failed)|(passed|failed|error)' "$log" | tail -n 1)
    if [ $code -eq 0 ]; then
        summary+=("$full  passed  (${seconds}s)  $result")
    else
        summary+=("$full  FAILED  (${seconds}s)  $result  (see $log)")
        status=1
    fi
done

echo
echo "Python    result"
for line in "${summary[@]}"; do echo "$line"; done
exit $status
