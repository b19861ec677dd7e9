// ANSI SGR colours to CSS classes. tf keeps a child's SGR sequences and resets them at each line's
// end (src/output/format.ts), so every line is parsed on its own, from the default style. Any other
// escape has already been made visible by tf; stray ones are dropped here.

/** A run of text in one style: `cls` holds classes like "f1 bo" (foreground 1, bold). */
export interface Segment {
  text: string;
  cls: string;
  /** A 256-colour or true-colour foreground/background, set through CSSOM (the CSP allows that). */
  color?: string;
  background?: string;
}

export interface Line {
  /** Unique and increasing: the key of the line's row. */
  seq: number;
  /** Without escapes: what search and download see. */
  plain: string;
  segments: Segment[];
  /** The process that printed it ("web.1", "system"), from tf's prefix; "" when there is none. */
  source: string;
}

interface Style {
  fg: number | string | null;
  bg: number | string | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
}

const PLAIN: Style = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false, inverse: false };
const ESCAPE = /\x1b\[([0-9;:]*)([A-Za-z])/g;

export function parseLine(text: string, seq: number): Line {
  const segments: Segment[] = [];
  let style = PLAIN;
  let plain = '';
  let last = 0;
  ESCAPE.lastIndex = 0;
  for (let match = ESCAPE.exec(text); match; match = ESCAPE.exec(text)) {
    if (match.index > last) {
      const piece = text.slice(last, match.index);
      segments.push(segment(piece, style));
      plain += piece;
    }
    last = ESCAPE.lastIndex;
    if (match[2] === 'm') style = applySgr(style, match[1]);
  }
  if (last < text.length) {
    const piece = text.slice(last);
    segments.push(segment(piece, style));
    plain += piece;
  }
  return { seq, plain, segments, source: sourceOf(plain) };
}

/** "12:00:01 web.1  | text" or "web.1  | text" -> "web.1". */
const PREFIX = /^(?:\d\d:\d\d:\d\d )?(\S+) *\| /;

function sourceOf(plain: string): string {
  return PREFIX.exec(plain)?.[1] ?? '';
}

function segment(text: string, style: Style): Segment {
  const fg = style.inverse ? style.bg : style.fg;
  const bg = style.inverse ? style.fg : style.bg;
  const classes: string[] = [];
  const out: Segment = { text, cls: '' };
  if (typeof fg === 'number') classes.push(`f${fg}`);
  else if (typeof fg === 'string') out.color = fg;
  if (typeof bg === 'number') classes.push(`b${bg}`);
  else if (typeof bg === 'string') out.background = bg;
  // Inverse of the default colours: text in the page's background colour, on its text colour.
  if (style.inverse && fg === null) classes.push('ifg');
  if (style.inverse && bg === null) classes.push('ibg');
  if (style.bold) classes.push('bo');
  if (style.dim) classes.push('di');
  if (style.italic) classes.push('it');
  if (style.underline) classes.push('un');
  out.cls = classes.join(' ');
  return out;
}

function applySgr(current: Style, params: string): Style {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  let style = { ...current };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (code === 0) style = { ...PLAIN };
    else if (code === 1) style.bold = true;
    else if (code === 2) style.dim = true;
    else if (code === 3) style.italic = true;
    else if (code === 4) style.underline = true;
    else if (code === 7) style.inverse = true;
    else if (code === 22) style.bold = style.dim = false;
    else if (code === 23) style.italic = false;
    else if (code === 24) style.underline = false;
    else if (code === 27) style.inverse = false;
    else if (code >= 30 && code <= 37) style.fg = code - 30;
    else if (code >= 90 && code <= 97) style.fg = code - 90 + 8;
    else if (code === 39) style.fg = null;
    else if (code >= 40 && code <= 47) style.bg = code - 40;
    else if (code >= 100 && code <= 107) style.bg = code - 100 + 8;
    else if (code === 49) style.bg = null;
    else if (code === 38 || code === 48) {
      const [colour, used] = extendedColour(codes, i + 1);
      if (code === 38) style.fg = colour;
      else style.bg = colour;
      i += used;
    }
  }
  return style;
}

/** 38;5;N or 38;2;R;G;B: the colour (a palette index below 16 keeps the theme's class) and how many codes it took. */
function extendedColour(codes: number[], at: number): [number | string | null, number] {
  if (codes[at] === 5) {
    const n = codes[at + 1] ?? 0;
    return [n < 16 ? n : xterm256(n), 2];
  }
  if (codes[at] === 2) {
    const [r, g, b] = [codes[at + 1] ?? 0, codes[at + 2] ?? 0, codes[at + 3] ?? 0];
    return [`rgb(${r & 255},${g & 255},${b & 255})`, 4];
  }
  return [null, 0];
}

function xterm256(n: number): string {
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v},${v},${v})`;
  }
  const i = n - 16;
  const level = (x: number) => (x === 0 ? 0 : 55 + x * 40);
  return `rgb(${level(Math.floor(i / 36))},${level(Math.floor(i / 6) % 6)},${level(i % 6)})`;
}
