// A small ANSI SGR parser for run logs. OpenTofu/Terraform colour their output with SGR escape
// sequences (bold, 8/16 colours, occasionally 256-colour and truecolour from local-exec scripts).
// We turn a line into styled segments; every other escape sequence (cursor movement, erase line,
// OSC hyperlinks/titles) is dropped because it has no meaning in a scrollback view.

export type AnsiColor =
  | { kind: 'palette'; index: number } // 0–255; 0–15 follow the theme, the rest are fixed
  | { kind: 'rgb'; r: number; g: number; b: number };

export interface AnsiStyle {
  fg: AnsiColor | null;
  bg: AnsiColor | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
  strikethrough: boolean;
}

export interface AnsiSegment {
  text: string;
  style: AnsiStyle;
}

export const PLAIN_STYLE: AnsiStyle = Object.freeze({
  fg: null,
  bg: null,
  bold: false,
  dim: false,
  italic: false,
  underline: false,
  inverse: false,
  strikethrough: false,
}) as AnsiStyle;

// ESC [ params final  |  ESC ] … (BEL | ESC \)  |  ESC ( B (charset)  |  ESC + one char  |  lone ESC at the end
// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b(?:\[([0-9;:?<=>]*)[ -/]*([@-~])|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[()*+].?|[ -~]|$)/g;

function isPlain(style: AnsiStyle): boolean {
  return (
    style.fg === null &&
    style.bg === null &&
    !style.bold &&
    !style.dim &&
    !style.italic &&
    !style.underline &&
    !style.inverse &&
    !style.strikethrough
  );
}

function sameColor(a: AnsiColor | null, b: AnsiColor | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.kind === 'palette') return b.kind === 'palette' && a.index === b.index;
  return b.kind === 'rgb' && a.r === b.r && a.g === b.g && a.b === b.b;
}

export function sameStyle(a: AnsiStyle, b: AnsiStyle): boolean {
  return (
    a === b ||
    (sameColor(a.fg, b.fg) &&
      sameColor(a.bg, b.bg) &&
      a.bold === b.bold &&
      a.dim === b.dim &&
      a.italic === b.italic &&
      a.underline === b.underline &&
      a.inverse === b.inverse &&
      a.strikethrough === b.strikethrough)
  );
}

export function isPlainStyle(style: AnsiStyle): boolean {
  return isPlain(style);
}

function clampByte(n: number | undefined): number {
  if (n === undefined || !Number.isFinite(n)) return 0;
  return Math.max(0, Math.min(255, Math.trunc(n)));
}

// Reads an extended colour (38/48) starting at codes[i] (which is 38 or 48).
// Returns the colour (or null if malformed) and how many codes were consumed.
function readExtendedColor(codes: number[], i: number): { color: AnsiColor | null; used: number } {
  const mode = codes[i + 1];
  if (mode === 5) {
    const index = codes[i + 2];
    if (index === undefined) return { color: null, used: codes.length - i };
    return { color: { kind: 'palette', index: clampByte(index) }, used: 3 };
  }
  if (mode === 2) {
    if (codes[i + 4] === undefined) return { color: null, used: codes.length - i };
    return {
      color: { kind: 'rgb', r: clampByte(codes[i + 2]), g: clampByte(codes[i + 3]), b: clampByte(codes[i + 4]) },
      used: 5,
    };
  }
  return { color: null, used: mode === undefined ? 1 : 2 };
}

/** Applies one SGR parameter list (the part between `ESC [` and `m`) to a style. */
export function applySgr(style: AnsiStyle, params: string): AnsiStyle {
  // Colon sub-parameters (38:2::r:g:b) are treated like semicolons; empty params mean 0.
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  const next: AnsiStyle = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    if (code === 0) Object.assign(next, PLAIN_STYLE);
    else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) next.underline = true;
    else if (code === 7) next.inverse = true;
    else if (code === 9) next.strikethrough = true;
    else if (code === 21) next.underline = true; // doubly underlined; close enough
    else if (code === 22) {
      next.bold = false;
      next.dim = false;
    } else if (code === 23) next.italic = false;
    else if (code === 24) next.underline = false;
    else if (code === 27) next.inverse = false;
    else if (code === 29) next.strikethrough = false;
    else if (code >= 30 && code <= 37) next.fg = { kind: 'palette', index: code - 30 };
    else if (code === 38 || code === 48) {
      const { color, used } = readExtendedColor(codes, i);
      if (color) {
        if (code === 38) next.fg = color;
        else next.bg = color;
      }
      i += used - 1;
    } else if (code === 39) next.fg = null;
    else if (code >= 40 && code <= 47) next.bg = { kind: 'palette', index: code - 40 };
    else if (code === 49) next.bg = null;
    else if (code >= 90 && code <= 97) next.fg = { kind: 'palette', index: code - 90 + 8 };
    else if (code >= 100 && code <= 107) next.bg = { kind: 'palette', index: code - 100 + 8 };
    // Anything else (blink, fonts, frames…) is ignored.
  }
  return next;
}

/**
 * Parses one line of text. `initial` is the style in effect at the start of the line (SGR state
 * carries across lines in a terminal); the returned `endStyle` is the style at its end.
 * A carriage return inside the line means the rest overwrote the line: keep what follows the last one.
 */
export function parseAnsiLine(line: string, initial: AnsiStyle = PLAIN_STYLE): { segments: AnsiSegment[]; endStyle: AnsiStyle } {
  const text = visiblePart(line);
  const segments: AnsiSegment[] = [];
  let style = initial;
  let last = 0;
  const push = (s: string) => {
    if (s === '') return;
    const prev = segments[segments.length - 1];
    if (prev && sameStyle(prev.style, style)) prev.text += s;
    else segments.push({ text: s, style });
  };
  ESCAPE.lastIndex = 0;
  for (let m = ESCAPE.exec(text); m !== null; m = ESCAPE.exec(text)) {
    push(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[2] === 'm') style = applySgr(style, m[1] ?? '');
  }
  push(text.slice(last));
  return { segments, endStyle: style };
}

// What a terminal shows of a line: a carriage return inside it means the rest overwrote it.
function visiblePart(line: string): string {
  const cr = line.lastIndexOf('\r');
  if (cr === -1) return line;
  return cr === line.length - 1 ? visiblePart(line.slice(0, cr)) : line.slice(cr + 1);
}

/** True when a line needs parsing to be displayed (it holds an escape sequence or a carriage return). */
export function needsAnsiParsing(line: string): boolean {
  return line.includes('\x1b') || line.includes('\r');
}

/**
 * The style in effect at the end of a line, without building its segments: what the next line
 * starts with. Agrees with `parseAnsiLine(line, initial).endStyle`.
 */
export function ansiEndStyle(line: string, initial: AnsiStyle = PLAIN_STYLE): AnsiStyle {
  if (!line.includes('\x1b')) return initial;
  let text = visiblePart(line);
  let style = initial;
  // A full reset makes everything before it irrelevant; tools end most coloured lines with one.
  const reset = Math.max(text.lastIndexOf('\x1b[0m'), text.lastIndexOf('\x1b[m'));
  if (reset !== -1) {
    text = text.slice(text.indexOf('m', reset) + 1);
    style = PLAIN_STYLE;
    if (!text.includes('\x1b')) return style;
  }
  ESCAPE.lastIndex = 0;
  for (let m = ESCAPE.exec(text); m !== null; m = ESCAPE.exec(text)) {
    if (m[2] === 'm') style = applySgr(style, m[1] ?? '');
  }
  return style;
}

/** The text of a line as displayed: escape sequences removed and carriage-return overwrites applied. */
export function displayText(line: string): string {
  if (!needsAnsiParsing(line)) return line;
  return stripAnsi(visiblePart(line));
}

/** A stable key for a style: equal styles give equal keys (for interning). */
export function ansiStyleKey(style: AnsiStyle): string {
  return isPlain(style) ? '' : JSON.stringify(style);
}

/** Removes every escape sequence: for search and copy. */
export function stripAnsi(text: string): string {
  return text.replace(ESCAPE, '');
}

// xterm's 6×6×6 cube and grey ramp for palette indexes 16–255.
export function paletteToRgb(index: number): { r: number; g: number; b: number } | null {
  if (index < 16 || index > 255) return null;
  if (index >= 232) {
    const v = 8 + (index - 232) * 10;
    return { r: v, g: v, b: v };
  }
  const n = index - 16;
  const level = (c: number) => (c === 0 ? 0 : 55 + c * 40);
  return { r: level(Math.floor(n / 36)), g: level(Math.floor(n / 6) % 6), b: level(n % 6) };
}

/** CSS colour for an ANSI colour. The 16 base colours are CSS variables so themes can tune them. */
export function ansiColorToCss(color: AnsiColor): string {
  if (color.kind === 'rgb') return `rgb(${color.r} ${color.g} ${color.b})`;
  if (color.index < 16) return `var(--ansi-${color.index})`;
  const rgb = paletteToRgb(color.index)!;
  return `rgb(${rgb.r} ${rgb.g} ${rgb.b})`;
}

export interface AnsiCss {
  color?: string;
  backgroundColor?: string;
  fontWeight?: number;
  opacity?: number;
  fontStyle?: 'italic';
  textDecoration?: string;
}

export function ansiStyleToCss(style: AnsiStyle): AnsiCss {
  const css: AnsiCss = {};
  let fg = style.fg ? ansiColorToCss(style.fg) : undefined;
  let bg = style.bg ? ansiColorToCss(style.bg) : undefined;
  // Bold with a base colour brightens it, as terminals do.
  if (style.bold && style.fg?.kind === 'palette' && style.fg.index < 8) fg = `var(--ansi-${style.fg.index + 8})`;
  if (style.inverse) {
    [fg, bg] = [bg ?? 'var(--log-bg)', fg ?? 'var(--log-fg)'];
  }
  if (fg) css.color = fg;
  if (bg) css.backgroundColor = bg;
  if (style.bold) css.fontWeight = 600;
  if (style.dim) css.opacity = 0.7;
  if (style.italic) css.fontStyle = 'italic';
  const decorations = [style.underline ? 'underline' : '', style.strikethrough ? 'line-through' : ''].filter(Boolean);
  if (decorations.length) css.textDecoration = decorations.join(' ');
  return css;
}
