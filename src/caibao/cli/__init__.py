"""The `caibao` command line."""
