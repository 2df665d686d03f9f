"""Turning a design into a torch module."""
