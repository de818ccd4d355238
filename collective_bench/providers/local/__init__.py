"""`--model local/<name>`: real small language models on this machine, fully offline.

`weights.py` finds and verifies the GGUF file, `server.py` runs llama.cpp's server (the
`xllamacpp` wheel, extra `local`) in a child process that never outlives the run, `api.py` is
the inspect ModelAPI that talks to it. Registered as `local` in `collective_bench._registry`.
"""
