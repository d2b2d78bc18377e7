"""The command line: parses, calls the library, prints. Nothing here does the work."""
