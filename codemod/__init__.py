"""reprofix's engine: the command line, file handling, the patch and its reversal."""

__version__ = "0.1.0"
