"""Allow ``python -m mash_desk``."""

from mash_desk.cli import main

raise SystemExit(main())
