"""Load translations for the user's locale: Qt's own (dialog buttons) and ADL Monitor's.

Every user-visible string goes through `QCoreApplication.translate` / `self.tr`; compiled
catalogues live in `resources/translations/adl_monitor_<locale>.qm` (none ship
yet — English is the source language). A missing catalogue is not an error.
"""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from adl_monitor.ui.icons import resource_path


def install_translators(app: QApplication, locale: QLocale | None = None) -> list[QTranslator]:
    """Install whatever catalogues exist for `locale` (default: the system's); returns them
    so the caller keeps them alive."""
    locale = locale or QLocale.system()
    installed: list[QTranslator] = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    sources = (
        ("qtbase", qt_dir),
        ("adl_monitor", str(resource_path("translations"))),
    )
    for name, directory in sources:
        translator = QTranslator(app)
        if translator.load(locale, name, "_", directory) and app.installTranslator(translator):
            installed.append(translator)
    return installed
