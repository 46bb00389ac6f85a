"""Conversation logic: commands and questions, channel-neutral (a message in, replies out)."""

# Modules that register commands; imported once by the router.
COMMAND_MODULES = (
    "handlers.basic",
    "handlers.questions",
    "handlers.documents",
    "handlers.deadlines",
    "handlers.status",
    "handlers.submissions",
    "handlers.units",
    "handlers.admin",
    "handlers.confirm",
    "handlers.journal",
    "handlers.daysoff",
    "handlers.reach",
    "handlers.calendar_file",
    "handlers.invites",
    "handlers.web_link",
)
