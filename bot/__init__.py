"""Entry point, configuration, wiring and channel adapters of the CCHC assistant bot."""
