"""Writes of the meetings app, one module per concern."""
