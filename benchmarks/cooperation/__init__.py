"""Task family: cooperation (see README.md in this folder)."""
