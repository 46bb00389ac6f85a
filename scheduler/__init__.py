"""Deadlines, the Vietnamese working-day calendar and the reminder engine."""
