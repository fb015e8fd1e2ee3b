"""`python -m adl_monitor` runs the same entry point as the `adl-monitor` command."""

import sys

from adl_monitor.cli import main

sys.exit(main())
