"""Fazhi RAG: question answering over Chinese local governments' rule-of-law reports."""

__version__ = "0.1.0"
