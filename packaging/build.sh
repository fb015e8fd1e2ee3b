#!/usr/bin/env bash
# Build a PyInstaller one-folder bundle of ADL Monitor into dist/adl-monitor/, then smoke-test it.
#
#   bash packaging/build.sh            # build and smoke-test (about 5 minutes on 2 cores)
#   bash packaging/build.sh --no-smoke
#
# The bundle is built from a wheel installed into its own venv (build/bundle-venv), so it holds
# exactly what `pip install .` installs, resources included. What PyInstaller cannot see by
# following imports is named below:
#   * ccxt: the connectors import `ccxt.pro` / `ccxt.async_support` by name (lazily, so the
#     window paints before ccxt loads);
#   * keyring: backends are found through entry points, so their metadata must travel along;
#   * desktop-notifier: picks its D-Bus / macOS / WinRT backend at run time;
#   * the resources (icons, desktop entry, metainfo) as package data of adl_monitor.resources.
# The Qt plugins (platforms, imageformats incl. SVG, iconengines) come from PyInstaller's own
# PySide6 hooks.
set -euo pipefail
cd "$(dirname "$0")/.."
smoke=1
[ "${1:-}" = "--no-smoke" ] && smoke=0

venv=build/bundle-venv
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q . "pyinstaller>=6.10,<7"

"$venv/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --onedir --name adl-monitor \
    --distpath dist --workpath build/pyinstaller --specpath build \
    --hidden-import ccxt.pro --hidden-import ccxt.async_support \
    --collect-submodules keyring.backends --copy-metadata keyring \
    --collect-submodules desktop_notifier --collect-data desktop_notifier \
    --collect-data adl_monitor.resources \
    packaging/entry_point.py

du -sh dist/adl-monitor
if [ "$smoke" = 1 ]; then
    "$venv/bin/python" packaging/smoke_bundle.py dist/adl-monitor/adl-monitor
fi
