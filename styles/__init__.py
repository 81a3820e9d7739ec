"""Textual stylesheets, loaded through importlib.resources."""
