"""Model providers beyond inspect's own: the litellm bridge and the local reference server."""
