"""Publish awareness: does this repository publish a website, and which paths does it serve?"""
from __future__ import annotations

from pii_hooks.policy.config import Config, glob_match
from pii_hooks.policy.decide import Publish


def detect_publish(root: str, config: Config) -> Publish:
    """What the configuration says; site generators are detected in a later step."""
    if not config.publish_paths:
        return Publish()
    url = config.site_url.rstrip('/')

    def is_published(path: str) -> bool:
        return any(glob_match(path, p) for p in config.publish_paths)

    def url_for(path: str) -> str | None:
        return f'{url}/{path}' if url and is_published(path) else None

    return Publish(url_for=url_for, is_published=is_published, generator='configured')
