"""The console: alerts printed in the terminal, the default destination."""
