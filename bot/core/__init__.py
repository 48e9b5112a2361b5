"""The words every stage shares: models, labels, ports, errors, links and the settings schema."""
