"""The embedded reference models: ``reference/<policy>`` as an inspect model provider."""
