"""The ``tsagbot`` command line."""
