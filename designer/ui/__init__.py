"""The desktop editor: main window, canvas, palette, inspector and undo commands.

This is the only package that imports Qt. It follows the :class:`~designer.core.design.DesignGraph`
through its events and changes it only through the undo commands in :mod:`designer.ui.commands`.
"""
