"""The headless heart of Designer: blocks, designs, shapes, files. Imports no torch and no Qt."""
