"""What a student reads: Markdown as shown on screen, and messages in plain words (shared by the tests)."""

import re


def shown(markdown: str) -> str:
    """What a reader sees of Markdown text whose special characters were backslash-escaped."""
    return re.sub(r"\\(.)", r"\1", markdown)


def assert_plain(message: str) -> None:
    """A sentence a student can read: no traceback, no library jargon, one line."""
    assert message and message[0].isupper() and message.rstrip().endswith("."), message
    assert "\n" not in message and len(message) < 400, message
    for jargon in ("Traceback", "pydantic", "errors.pydantic.dev", "instance of", "Input should", "JSONDecodeError"):
        assert jargon not in message, message
