"""Discord: alerts by webhook or bot token, and the `/evradar` application command."""
