"""Policy: evidence, configuration, allowlist and publish paths become decisions."""
