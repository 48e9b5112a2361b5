"""From items to queued alerts and posts: detection, the poll decider and pipeline, routing, delivery."""
