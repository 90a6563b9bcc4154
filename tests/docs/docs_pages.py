"""Where the documentation pages are and what they hold (shared by the docs tests)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
#: Folders of docs/ that hold no page of the site (generated API pages, build output, ...).
NOT_PAGES = ("_build", "_ext", "api", "images", "img")


def site_pages() -> list[Path]:
    """Every Markdown page of the site (docs/**/*.md but generated and build folders)."""
    return sorted(p for p in DOCS.rglob("*.md")
                  if not any(part in NOT_PAGES for part in p.relative_to(DOCS).parts[:-1]))


def docname(page: Path) -> str:
    return page.relative_to(DOCS).with_suffix("").as_posix()


_TOCTREE = re.compile(r"^(`{3,}|:{3,})\{toctree\}[^\n]*\n(.*?)^\1", re.S | re.M)


def toctree_entries(page: Path) -> list[str]:
    """Docnames listed in the toctree directives of ``page`` (relative to docs/)."""
    entries = []
    base = page.parent.relative_to(DOCS)
    for match in _TOCTREE.finditer(page.read_text(encoding="utf-8")):
        for line in match.group(2).splitlines():
            line = line.strip()
            if not line or line.startswith(":"):
                continue
            target = line.split("<")[-1].rstrip(">").strip()  # "Title <page>" form
            entries.append((base / target).as_posix() if str(base) != "." else target)
    return entries


@dataclass(frozen=True)
class CodeBlock:
    path: Path
    line: int  # 1-based line of the opening fence
    info: str
    source: str

    @property
    def language(self) -> str:
        return self.info.split()[0] if self.info.split() else ""

    @property
    def executed(self) -> bool:
        """```python blocks run; ```python fragment (or any other info) is shown only."""
        return self.info.strip() == "python"


def code_blocks(path: Path) -> list[CodeBlock]:
    """Every fenced code block of a Markdown file, in order."""
    tokens = MarkdownIt("commonmark").parse(path.read_text(encoding="utf-8"))
    return [CodeBlock(path, (t.map[0] + 1) if t.map else 0, t.info.strip(), t.content)
            for t in tokens if t.type == "fence"]
