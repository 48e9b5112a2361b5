"""The `evradar` command line: argument parsing and what the terminal shows."""
