"""The composition root's wiring: where the accounts come from and the engine, its options,
storage and (for the desktop app) its engine sessions are built. `cli.py` and `commands/` call
it; `ui/` and `engine/` never import it — the window is handed what it needs
(docs/architecture.md "Wiring")."""
