"""Screens: the generic resource screen, forms, describe, logs, terminals, runbooks.

The resource declarations it shows live in the `resources` package beside them.
"""
