"""One module per venue: build the ccxt client, read positions + ADL + formula inputs,
check key permissions, map errors. Only this package imports ccxt."""
