"""Running evradar: the composition root, the once-runner, the scheduler, cluster mode, server and metrics."""
