from __future__ import annotations

from pii_hooks.cli import main

raise SystemExit(main())
