"""Files Designer ships (templates, icons), installed as the package ``designer.resources``."""
