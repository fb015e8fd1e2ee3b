"""ADL Monitor: see an exchange's auto-deleveraging queue coming for your winning position."""

__version__ = "0.1.0"
