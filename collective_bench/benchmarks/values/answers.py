"""Answer reading for the values family: every unambiguous form, never a made-up move.

Models answer in many harmless shapes (`ANSWER: B`, `<B>`, `<answer>B</answer>`, `**B**`, `[B]`,
`(B)`, `B. 102`, lower case, extra spaces). Each reader collects candidates in tiers, strongest
first: an explicit labelled answer (`ANSWER: x`, `<answer>x</answer>`, "the answer is x"),
then a marked capital (`<X>`, `[X]`, `(X)`, `**X**`), then the whole reply (`b`, `B. 102`,
`102`). The first tier that holds a candidate decides; two different candidates within it are
ambiguous and refused (ParseError), so the driver asks again rather than guessing.
"""

from __future__ import annotations

import re

from collective_bench.driver_inspect import ParseError

WRAP = "*_`'\"[]()<>{}"
"""Characters a model wraps a short answer in (stripped before reading)."""
_LABELLED_LETTER = re.compile(
    r"(?:\banswer\b\s*(?:is\b)?\s*[*_]*\s*[:=]?|<answer>)\s*[*_`'\"\[(<{]*\s*([A-Za-z])\b"
    r"(?![A-Za-z'-])(.*)", re.IGNORECASE)
_MARKED_LETTER = re.compile(
    r"<([A-Z])>|\[([A-Z])\]|\(([A-Z])\)|\*\*\s*([A-Z])\s*[.)]?\s*\*\*|__([A-Z])__")
"""Marked capital letters only: `<b>`, `(a)` are markup and list labels, not answers."""
_LEADING_LETTER = re.compile(r"^\s*([A-Za-z])\s*(?:[.):\-]\s*(.*))?$", re.DOTALL)
_TAIL_OK = re.compile(r"^[\s*_`'\"\])>}.,;:!]*(?:</answer>)?[\s*_`'\"\])>}.,;:!]*$", re.IGNORECASE)


def _norm(text: str) -> str:
    return " ".join(text.strip().strip(WRAP + ".").split()).casefold()


def _tail_fits(tail: str, option: str) -> bool:
    """What follows a letter is nothing, punctuation, or that option's own text."""
    if _TAIL_OK.match(tail):
        return True
    rest = _norm(re.sub(r"^[\s*_`'\"\])>}.,;:\-]+", "", re.sub(r"</answer>.*$", "", tail,
                                                               flags=re.IGNORECASE)))
    return rest == _norm(option)


def read_letter(text: str, options: dict[str, str]) -> str:
    """The option letter an answer names, or ParseError (none, ambiguous, or not an option)."""
    text = text or ""
    letters = {k.upper(): v for k, v in options.items()}
    labelled: set[str] = set()
    named_bad: list[str] = []
    for line in text.splitlines():
        for m in _LABELLED_LETTER.finditer(line):
            letter, tail = m.group(1).upper(), m.group(2)
            if letter in letters and _tail_fits(tail, letters[letter]):
                labelled.add(letter)
            elif _TAIL_OK.match(tail):
                named_bad.append(m.group(1))
    if labelled:
        return _one(labelled)
    marked = {g.upper() for m in _MARKED_LETTER.finditer(text) for g in m.groups() if g}
    marked &= set(letters)
    if marked:
        return _one(marked)
    whole = text.strip().strip("*_`'\"")
    lead = _LEADING_LETTER.match(whole.strip("[]()<>{}"))
    if lead and lead.group(1).upper() in letters:
        letter = lead.group(1).upper()
        if not lead.group(2) or _norm(lead.group(2)) == _norm(letters[letter]):
            return letter
    by_text = [k for k, v in letters.items() if _norm(v) == _norm(whole)]
    if len(by_text) == 1:
        return by_text[0]
    if named_bad:
        raise ParseError(f"{named_bad[-1]!r} is not one of the option letters "
                         f"({', '.join(letters)})")
    raise ParseError("there is no line of the form ANSWER: <letter>")


def _one(found: set[str]) -> str:
    if len(found) > 1:
        raise ParseError(f"the answer names more than one option ({', '.join(sorted(found))}); "
                         "give exactly one")
    return next(iter(found))


_INT = r"[*_`'\"\[(<{]*\s*([+\-\u2212]?\s*\d+(?:[.,]\d+)?)\s*[*_`'\"\])>}]*"


_BARE_INT = re.compile(
    r"^\s*[*_`'\"\[(<{]*\s*([+\-\u2212]?\s*\d+(?:[.,]\d+)?)\s*[*_`'\"\])>}.]*\s*$")


def labelled_int_pattern(label: str) -> re.Pattern[str]:
    """`LABEL: 4` in its harmless variants (`**LABEL:** 4`, `LABEL = [4]`, `<label>4</label>`)."""
    return re.compile(
        rf"(?:\b{label}\b\s*[*_]*\s*[:=]\s*[*_]*\s*|<{label}>\s*){_INT}", re.IGNORECASE)


def read_labelled_int(text: str, label: str, lo: int, hi: int) -> int:
    """The integer after LABEL (or a reply that is only the integer), in [lo, hi]; refused when
    absent, fractional, out of range, or given twice with different values."""
    found = labelled_int_pattern(label).findall(text or "")
    if not found:  # a reply that is only the number (`2`, `<answer>+2</answer>`) is unambiguous
        bare = _BARE_INT.match(re.sub(r"</?answer>", "", text or "", flags=re.IGNORECASE))
        found = [bare.group(1)] if bare else []
    if not found:
        raise ParseError(f"there is no line of the form {label}: <integer from {lo} to {hi}>")
    values = set()
    for raw in found:
        raw = raw.replace("\u2212", "-").replace(" ", "")
        if "." in raw or "," in raw:
            raise ParseError(f"{label} must be a whole number, got {raw}")
        values.add(int(raw))
    if len(values) > 1:
        raise ParseError(f"{label} is given more than once with different values "
                         f"({', '.join(str(v) for v in sorted(values))}); give one")
    value = values.pop()
    if not lo <= value <= hi:
        raise ParseError(f"{label} must be between {lo} and {hi}, got {value}")
    return value
