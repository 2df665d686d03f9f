"""The canvas: a Qt graphics scene that mirrors the design, its items, and the view around it."""
