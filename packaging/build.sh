#!/usr/bin/env bash
# Build the one-folder app into packaging/dist/Designer and smoke-test it.
#   bash packaging/build.sh            build with the Python on PATH (Designer and its dependencies installed)
# Takes several minutes and about 1.5 GB of disk (torch is most of it); not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet "pyinstaller>=6.10"
python3 -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath packaging/dist --workpath packaging/build packaging/designer.spec
app=packaging/dist/Designer/designer
"$app" --version
"$app" templates
QT_QPA_PLATFORM=offscreen "$app" doctor
echo "built: packaging/dist/Designer ($(du -sh packaging/dist/Designer | cut -f1))"
