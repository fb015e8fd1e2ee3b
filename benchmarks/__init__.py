"""Speed and memory, measured as ratios in one run on the loopback simulator (docs/architecture.md).

Run with `.venv/bin/python -m benchmarks` (add `--quick` for a shorter run).
"""
