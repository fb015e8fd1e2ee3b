"""The asyncio side: per-account refresh loops, websockets, back-off, staleness, snapshots. Runs in its own thread; driven the same way by the CLI, the GUI and the benchmarks."""
