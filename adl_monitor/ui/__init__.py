"""PySide6 + pyqtgraph live only here. Imported by nothing but the composition root."""
