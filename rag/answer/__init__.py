"""Answers with verified citations: LLM and extractive paths (see respond.py)."""
