"""Slack: alerts by bot token or incoming webhook, and `/evradar` over HTTP or Socket Mode."""
