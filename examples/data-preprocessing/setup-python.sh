#!/bin/sh
# Make the virtual environment of the optional Python profile step (parameter pythonProfile):
# examples/data-preprocessing/.venv with pandas from PyPI. Run once: sh examples/data-preprocessing/setup-python.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
"$python" -m venv "$here/.venv"
"$here/.venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/python/requirements.txt"
"$here/.venv/bin/python" -c 'import pandas; print("pandas", pandas.__version__, "in", __import__("sys").prefix)'
