"""PySide6 + pyqtgraph live only here. Imported by nothing but the composition root.

Importing this package first undoes one side effect of importing PySide6. shiboken replaces
`builtins.__import__` with its `__feature_import__`, which serves `from __feature__ import
snake_case` (this app never uses it) and, as a side effect, runs `inspect.getsource()` on every
module imported afterwards. ccxt is about 1,000 modules of source, so the app's engine thread
paid ~90 MB of resident memory (the `linecache` copy of all that source, kept for the life of
the process) and a slower start for a feature it does not use. The original import function is
put back right after PySide6 is loaded; `tests/ui/test_import_hook.py` measures that ccxt then
leaves no source in `linecache`.
"""

import builtins as _builtins

_original_import = _builtins.__import__

import PySide6.QtCore  # noqa: E402, F401 - installs the hook this module undoes

if getattr(_builtins.__import__, "__name__", "") == "__feature_import__" and (
    getattr(_original_import, "__name__", "") == "__import__"
):
    _builtins.__import__ = _original_import
