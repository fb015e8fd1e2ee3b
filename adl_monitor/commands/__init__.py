"""One module per subcommand of `adl-monitor`; each has `register(subparsers)`."""
