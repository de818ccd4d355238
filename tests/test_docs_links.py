"""Every relative link in the repository's markdown resolves in a clone."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_every_relative_markdown_link_resolves() -> None:
    documents = [ROOT / "README.md", *ROOT.glob("docs/*.md"), *ROOT.glob("perf/*.md"),
                 *ROOT.glob("collective_bench/**/*.md")]
    assert len(documents) > 5
    broken = [(str(doc.relative_to(ROOT)), target)
              for doc in documents for target in LINK.findall(doc.read_text(encoding="utf-8"))
              if not target.startswith(("http://", "https://", "mailto:"))
              and not (doc.parent / target).exists()]
    assert broken == []
