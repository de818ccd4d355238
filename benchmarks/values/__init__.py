"""Task family: values (see README.md in this folder)."""
