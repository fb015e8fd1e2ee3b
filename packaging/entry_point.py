"""The frozen app's entry point: the same `main` as the `adl-monitor` console script."""

import sys

from adl_monitor.cli import main

if __name__ == "__main__":
    sys.exit(main())
