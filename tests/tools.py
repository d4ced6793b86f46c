"""What a test does when a tool it drives (Chromium, java, Netlify's parser) is not installed."""

import os

import pytest


def missing_tool(message: str):
    """Fail under CI (CI=true), where `make test` must have installed the tool; elsewhere skip, saying why."""
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(message)
    pytest.skip(message)
