"""One error base class whose message is meant for the user (the CLI prints it as one line)."""


class RagError(Exception):
    """An error caused by input or environment that the user can fix; `str(err)` is the message."""


class InputError(RagError):
    """A path, file or argument the user gave cannot be used."""


class IndexMissing(RagError):
    """The index is empty or was built with another embedder/chunker."""
