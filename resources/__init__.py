"""What the app ships besides code: icons, the desktop entry, AppStream metainfo, translations.

This folder is installed as the package `adl_monitor.resources` (see `package-dir` in
pyproject.toml), so the app finds these files with `importlib.resources` whether it is
installed from a wheel, installed editable from this checkout, or frozen by PyInstaller
(`packaging/build.sh`). Nothing here is imported for its code.
"""
