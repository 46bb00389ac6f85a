"""The bot's HTTP side: one ASGI app (health, readiness, metrics; the admin dashboard joins it)."""
