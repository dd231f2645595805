"""pii-hooks: stop personal data in staged data files before it is published."""
from __future__ import annotations

__version__ = '0.1.0'
