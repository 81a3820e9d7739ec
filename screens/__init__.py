"""Screens: the generic resource screen and the per-resource declarations."""
