"""kerasgen's version; this module imports nothing, so packaging tools can read it."""

__version__ = "0.2.0"
