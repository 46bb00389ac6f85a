"""The reminder domain's use cases: channel-neutral actions shared by chat, the CLI and the web.

Each takes the session (the unit of work), `now` and the `Actor`; it validates, writes, writes the audit
entry and bumps the plan version in the same transaction, and returns plain dataclasses (never chat
text). Refusals are `bot.core.errors` exceptions carrying their data.
"""
