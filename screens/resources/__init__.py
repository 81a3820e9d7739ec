"""The resource declarations: one module per resource family, over the generic resource screen."""
