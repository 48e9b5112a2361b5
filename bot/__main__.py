"""`python -m bot` runs the evradar command line."""

import sys

from bot.cli.main import main

sys.exit(main())
