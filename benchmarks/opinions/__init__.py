"""Task family: opinions (see README.md in this folder)."""
