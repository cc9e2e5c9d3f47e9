"""Timing phrases → deadlines: the parser and its result types."""
