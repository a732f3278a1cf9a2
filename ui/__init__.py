"""Gradio app over the same pipeline the CLI uses (see app.py)."""
