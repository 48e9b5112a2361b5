"""Bytes in, items out: fetching feeds over HTTP, parsing them, and pacing polls."""
