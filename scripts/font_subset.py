"""Make the Hangul font the package ships: a renamed subset of NanumGothic (dev-time tool).

    .venv/bin/python scripts/font_subset.py /usr/share/fonts/truetype/nanum/NanumGothic.ttf

Keeps Hangul syllables (U+AC00–D7A3), Jamo and compatibility Jamo, ASCII, Latin-1, Greek,
general punctuation, ₩, number forms, arrows, math operators, circled digits, box and
geometric shapes, CJK symbols and punctuation (「」『』…), enclosed CJK (㈜) and the
full-width forms; drops Hanja and TrueType hinting (matplotlib auto-hints with FreeType).

NanumGothic is under the SIL Open Font License 1.1 with "NanumGothic" and "나눔고딕" as
Reserved Font Names; a subset is a Modified Version (OFL §3), so the font is renamed
"Silson Gothic". The copyright notice stays in the name table and OFL.txt ships beside it.
Run by hand when the character set changes; the output is committed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

OUT_DIR = Path(__file__).resolve().parents[1] / "silson_tools" / "data" / "fonts"
OUT_FILE = "SilsonGothic-Regular.ttf"
FAMILY = "Silson Gothic"
POSTSCRIPT = "SilsonGothic-Regular"

UNICODES = (
    "U+0020-007E,U+00A0-00FF,U+0391-03C9,U+1100-11FF,U+2010-205E,U+2070-209F,U+20A9,"
    "U+2100-218F,U+2190-21FF,U+2200-22FF,U+2300-23FF,U+2460-24FF,U+2500-25FF,"
    "U+3000-303F,U+3130-318F,U+3200-32FF,U+AC00-D7A3,U+FF01-FFEF"
)

# name IDs rewritten on every platform; IDs not listed are dropped unless kept below
_NAMES = {
    1: FAMILY,
    2: "Regular",
    3: f"{FAMILY} 3.021 (subset of NanumGothic)",
    4: FAMILY,
    5: "Version 3.021; subset for silson_tools",
    6: POSTSCRIPT,
    10: (
        "Subset of NanumGothic 3.021 by NAVER (Hangul, Jamo, ASCII, Latin-1, punctuation; "
        "no Hanja, no hinting), renamed under SIL OFL 1.1 section 3."
    ),
    13: "This Font Software is licensed under the SIL Open Font License, Version 1.1.",
    14: "https://openfontlicense.org",
    16: FAMILY,
    17: "Regular",
}
_KEEP = {0, 8, 9, 11, 12}  # copyright, manufacturer, designers, URLs


def make_subset(source: Path, out_dir: Path = OUT_DIR) -> Path:
    """Subset ``source`` to ``UNICODES`` without hinting, rename it, write it to ``out_dir``."""
    options = subset.Options()
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_legacy = True
    options.name_languages = ["*"]
    options.drop_tables += ["TSI0", "TSI1", "TSI2", "TSI3", "TSI5"]
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
    subsetter.subset(font)
    _rename(font)
    out = out_dir / OUT_FILE
    out_dir.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(out), options)
    return out


def _rename(font: TTFont) -> None:
    """Replace every name record that carries the Reserved Font Name (OFL §3)."""
    table = font["name"]
    english = [r for r in table.names if r.nameID in _KEEP and r.langID in (0, 1033)]
    table.names = english
    for name_id, text in _NAMES.items():
        table.setName(text, name_id, 3, 1, 0x409)  # Windows, Unicode BMP, en-US
        table.setName(text, name_id, 1, 0, 0)  # Mac, Roman, English
    font["post"].formatType = 3.0  # no glyph names: smaller, nothing uses them
    font["head"].fontRevision = 3.021


def main() -> None:
    """Command line: the source NanumGothic.ttf, optionally an output folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="NanumGothic.ttf (fonts-nanum ships it)")
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = parser.parse_args()
    out = make_subset(args.source, args.out_dir)
    print(f"{out} ({out.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
