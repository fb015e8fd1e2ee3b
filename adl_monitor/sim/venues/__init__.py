"""One module per venue dialect: the venue's paths, auth check, error shapes and formats."""
