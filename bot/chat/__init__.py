"""The `/evradar` command and the lookup behind it, the same for every chat platform."""
