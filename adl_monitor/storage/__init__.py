"""Config file, secrets (OS keyring), SQLite history."""
