"""The fixed "today" every test runs on (a module name no other test folder uses, so imports never clash).

It is the day the class-scale plan and the browser tests' servers are pinned to, so every test, tool and
server agrees on it: Wed Nov 25, 2026, the day before Thanksgiving.
"""

from tools.class_plan import TODAY

__all__ = ["TODAY"]
