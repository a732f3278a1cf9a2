"""One form for punctuation and digits: full-width forms (，：；（）！？％ and full-width digits and
letters) become their ASCII equivalents, in documents at cleaning time and in questions before
analysis, so every rule downstream matches either way a page or a user writes them. 。、“”《》 and
the ideographic space keep their own forms."""
from __future__ import annotations

_FULL = "，：；（）！？％＋－／＜＝＞［］｛｝～＃＆＊＠｜"
_HALF = ",:;()!?%+-/<=>[]{}~#&*@|"
_TABLE = {ord(f): h for f, h in zip(_FULL, _HALF)}
_TABLE.update({0xFF10 + i: str(i) for i in range(10)})
_TABLE.update({0xFF21 + i: chr(0x41 + i) for i in range(26)})
_TABLE.update({0xFF41 + i: chr(0x61 + i) for i in range(26)})


def normalise(text: str) -> str:
    """The text with full-width punctuation, digits and letters in ASCII form (same length)."""
    return text.translate(_TABLE)
