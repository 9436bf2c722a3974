#!/usr/bin/env python3
"""Render a terminal capture (tmux capture-pane -e) to a PNG.

Usage: ansi2png.py CAPTURE.ansi OUT.png [COLUMNS ROWS]

Understands the SGR codes tmux emits (reset, bold, dim, italic,
underline, reverse, the 16 colours, 256 colours and 24-bit colour) and
draws one cell per character with DejaVu Sans Mono. Needs Pillow.
"""

import re
import sys

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
SIZE = 15
BG = (24, 24, 28)
FG = (212, 212, 212)
# A dark theme close to common terminal defaults.
BASE16 = [
    (0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16),
    (36, 114, 200), (188, 63, 188), (17, 168, 205), (229, 229, 229),
    (102, 102, 102), (241, 76, 76), (35, 209, 139), (245, 245, 67),
    (59, 142, 234), (214, 112, 214), (41, 184, 219), (255, 255, 255),
]


# Box-drawing characters as the arms they have: up, down, left, right.
BOX = {
    "│": (1, 1, 0, 0), "─": (0, 0, 1, 1), "┌": (0, 1, 0, 1), "┐": (0, 1, 1, 0),
    "└": (1, 0, 0, 1), "┘": (1, 0, 1, 0), "├": (1, 1, 0, 1), "┤": (1, 1, 1, 0),
    "┬": (0, 1, 1, 1), "┴": (1, 0, 1, 1), "┼": (1, 1, 1, 1),
}


def colour256(n):
    if n < 16:
        return BASE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return (v, v, v)


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = self.dim = self.underline = self.reverse = False

    def copy(self):
        s = Style()
        s.__dict__.update(self.__dict__)
        return s

    def apply(self, params):
        codes = [int(p) if p else 0 for p in re.split("[;:]", params)] if params else [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                self.reset()
            elif c == 1:
                self.bold = True
            elif c == 2:
                self.dim = True
            elif c == 4:
                self.underline = True
            elif c == 7:
                self.reverse = True
            elif c == 22:
                self.bold = self.dim = False
            elif c == 24:
                self.underline = False
            elif c == 27:
                self.reverse = False
            elif 30 <= c <= 37:
                self.fg = BASE16[c - 30]
            elif 90 <= c <= 97:
                self.fg = BASE16[c - 90 + 8]
            elif 40 <= c <= 47:
                self.bg = BASE16[c - 40]
            elif 100 <= c <= 107:
                self.bg = BASE16[c - 100 + 8]
            elif c == 39:
                self.fg = None
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    col = colour256(codes[i + 2])
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    col = tuple(codes[i + 2:i + 5])
                    i += 4
                else:
                    col = None
                if c == 38:
                    self.fg = col
                else:
                    self.bg = col
            i += 1


def parse(text):
    """Rows of (char, style) cells."""
    rows = []
    style = Style()
    for line in text.split("\n"):
        row = []
        for m in re.finditer(r"\x1b\[([0-9;:]*)m|\x1b\[[0-9;?]*[A-Za-z]|([^\x1b])", line):
            if m.group(2) is not None:
                row.append((m.group(2), style.copy()))
            elif m.group(0).endswith("m"):
                style.apply(m.group(1))
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def render(rows, cols, lines, out):
    regular = ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf", SIZE)
    bold = ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Bold.ttf", SIZE)
    left, top, right, bottom = regular.getbbox("M")
    cw = round(regular.getlength("M"))
    ch = round(SIZE * 1.3)
    pad = 12
    img = Image.new("RGB", (cols * cw + 2 * pad, lines * ch + 2 * pad), BG)
    draw = ImageDraw.Draw(img)
    for y, row in enumerate(rows[:lines]):
        for x, (c, s) in enumerate(row[:cols]):
            fg = s.fg or FG
            bg = s.bg or BG
            if s.reverse:
                fg, bg = bg, fg
            if s.dim:
                fg = tuple((a + b) // 2 for a, b in zip(fg, BG))
            px, py = pad + x * cw, pad + y * ch
            if bg != BG:
                draw.rectangle([px, py, px + cw - 1, py + ch - 1], fill=bg)
            if c in BOX:
                # Drawn as lines that reach the cell edges, so borders join
                # up whatever the font's line height.
                mx, my = px + cw // 2, py + ch // 2
                up, down, lft, rgt = BOX[c]
                if up:
                    draw.line([mx, py, mx, my], fill=fg)
                if down:
                    draw.line([mx, my, mx, py + ch - 1], fill=fg)
                if lft:
                    draw.line([px, my, mx, my], fill=fg)
                if rgt:
                    draw.line([mx, my, px + cw - 1, my], fill=fg)
            elif c != " ":
                draw.text((px, py + (ch - SIZE) // 2 - 1), c, font=bold if s.bold else regular, fill=fg)
            if s.underline:
                draw.line([px, py + ch - 2, px + cw - 1, py + ch - 2], fill=fg)
    img.save(out)


def main():
    src, out = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        rows = parse(f.read())
    cols = int(sys.argv[3]) if len(sys.argv) > 3 else max(len(r) for r in rows)
    lines = int(sys.argv[4]) if len(sys.argv) > 4 else len(rows)
    render(rows, cols, lines, out)


if __name__ == "__main__":
    main()
