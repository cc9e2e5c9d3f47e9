"""Reminders: when to remind whom about which deadline, and the outbox that sends them."""
