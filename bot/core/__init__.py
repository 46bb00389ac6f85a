"""The foundation every layer stands on: messages, clock, database, settings, ports, Vietnamese text; imports nothing above it."""
