"""What a student reads: Markdown as shown on screen, and messages in plain words (shared by the tests)."""

import re

from lor.text import NO_LINK


def shown(markdown: str) -> str:
    """What a reader sees of Markdown text whose special characters were backslash-escaped (and whose web and email
    addresses were kept from becoming links by lor.text.NO_LINK, which draws nothing)."""
    return re.sub(r"\\(.)", r"\1", markdown.replace(NO_LINK, ""))


def assert_plain(message: str) -> None:
    """A sentence a student can read: no traceback, no library jargon, one line."""
    assert message and message[0].isupper() and message.rstrip().endswith("."), message
    assert "\n" not in message and len(message) < 400, message
    for jargon in ("Traceback", "pydantic", "errors.pydantic.dev", "instance of", "Input should", "JSONDecodeError"):
        assert jargon not in message, message


# What GitHub-flavored Markdown's autolinker (Streamlit's Markdown) turns into a link, read from the text as shown
# (escapes undone): a web or an email address inside one run of text. lor.text.NO_LINK ends a run, drawing nothing.
AUTOLINKED = re.compile(r"(?i)(https?://|www\.)[-.\w]+|[-.\w+]+@[-\w]+(\.[-\w]+)+")


def autolinked(markdown: str) -> list[str]:
    """The web and email addresses Streamlit would turn into links in this Markdown."""
    return [m.group(0) for run in markdown.split(NO_LINK) for m in AUTOLINKED.finditer(shown(run))]
