"""The fixed "today" every test runs on (a module name no other test folder uses, so imports never clash)."""

from datetime import date

TODAY = date(2026, 11, 25)
