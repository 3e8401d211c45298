import type { Comment, Location } from './ast.ts';

// Tokenizer for Rego. The whole source is tokenized up front (the parser backtracks by index).
// Identifiers are not classified as keywords here: which words are keywords depends on imports
// (`future.keywords.in`) that the parser sees, so the parser decides.
//
// Template strings (`$"a {x} b"`) are split into parts: `TemplatePart` tokens for the literal
// text, and the ordinary tokens of each embedded expression in between. A brace-depth stack
// tells which `}` closes an embedded expression.

export const enum Tok {
  EOF,
  Ident,
  Number,
  String,
  TemplatePart,
  LBrack,
  RBrack,
  LBrace,
  RBrace,
  LParen,
  RParen,
  Comma,
  Colon,
  Assign, // :=
  Unify, // =
  Equal, // ==
  Neq, // !=
  Lt,
  Lte,
  Gt,
  Gte,
  Add,
  Sub,
  Mul,
  Quo,
  Rem,
  And, // &
  Or, // |
  Semicolon,
  Dot,
}

export const TOKEN_TEXT: Record<number, string> = {
  [Tok.EOF]: 'eof',
  [Tok.Ident]: 'ident',
  [Tok.Number]: 'number',
  [Tok.String]: 'string',
  [Tok.TemplatePart]: 'template-string',
  [Tok.LBrack]: '[',
  [Tok.RBrack]: ']',
  [Tok.LBrace]: '{',
  [Tok.RBrace]: '}',
  [Tok.LParen]: '(',
  [Tok.RParen]: ')',
  [Tok.Comma]: ',',
  [Tok.Colon]: ':',
  [Tok.Assign]: ':=',
  [Tok.Unify]: '=',
  [Tok.Equal]: '==',
  [Tok.Neq]: '!=',
  [Tok.Lt]: '<',
  [Tok.Lte]: '<=',
  [Tok.Gt]: '>',
  [Tok.Gte]: '>=',
  [Tok.Add]: '+',
  [Tok.Sub]: '-',
  [Tok.Mul]: '*',
  [Tok.Quo]: '/',
  [Tok.Rem]: '%',
  [Tok.And]: '&',
  [Tok.Or]: '|',
  [Tok.Semicolon]: ';',
  [Tok.Dot]: '.',
};

export interface Token {
  t: Tok;
  /** Raw source text of the token (identifier name, number text, string with quotes). */
  lit: string;
  /** Decoded string value (String and TemplatePart tokens). */
  value?: string;
  /** TemplatePart: this part ends the template string (no `{` follows). */
  end?: boolean;
  /** TemplatePart: backtick (raw) template string. */
  raw?: boolean;
  row: number;
  col: number;
  offset: number;
  endOffset: number;
  /** Whitespace or a comment separates this token from the previous one. */
  wsBefore: boolean;
  /** A newline separates this token from the previous one. */
  nlBefore: boolean;
}

export class LexError extends Error {
  constructor(
    message: string,
    readonly loc: Location,
  ) {
    super(message);
  }
}

export interface LexResult {
  tokens: Token[];
  comments: Comment[];
}

const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isDecimal = (c: number) => c >= 48 && c <= 57;

export function tokenize(src: string, file: string): LexResult {
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  let i = 0;
  let row = 1;
  let lineStart = 0;
  const n = src.length;
  if (src.charCodeAt(0) === 0xfeff) i = 1;
  /** Open template strings: brace depth inside the current embedded expression. */
  const templates: { raw: boolean; depth: number }[] = [];
  let ws = false;
  let nl = false;

  const loc = (off: number, r = row, ls = lineStart): Location => ({ file, row: r, col: off - ls + 1, offset: off });
  const fail = (msg: string, off: number): never => {
    throw new LexError(msg, loc(off));
  };

  const push = (t: Tok, start: number, startRow: number, startLineStart: number, extra?: Partial<Token>) => {
    tokens.push({
      t,
      lit: src.slice(start, i),
      row: startRow,
      col: start - startLineStart + 1,
      offset: start,
      endOffset: i,
      wsBefore: ws,
      nlBefore: nl,
      ...extra,
    });
    ws = false;
    nl = false;
  };

  /** Scans the literal part of a template string starting at `i` (after `$"`, `$\``, or `}`). */
  const scanTemplatePart = (raw: boolean, start: number) => {
    const startRow = row;
    const startLs = lineStart;
    let text = '';
    for (;;) {
      if (i >= n) fail('non-terminated string', i);
      const c = src.charCodeAt(i);
      if (!raw && c === 10) fail('non-terminated string', i);
      if ((raw && c === 96) || (!raw && c === 34)) {
        i++;
        push(Tok.TemplatePart, start, startRow, startLs, { value: text, end: true, raw });
        return true;
      }
      if (c === 123) {
        i++;
        push(Tok.TemplatePart, start, startRow, startLs, { value: text, end: false, raw });
        return false;
      }
      if (c === 92) {
        const d = src.charCodeAt(i + 1);
        if (d === 123) {
          text += '{';
          i += 2;
          continue;
        }
        if (raw) {
          text += '\\';
          i++;
          continue;
        }
        const [s, len] = decodeEscape(src, i, (m, o) => fail(m, o));
        text += s;
        i += len;
        continue;
      }
      if (c === 10) {
        row++;
        lineStart = i + 1;
      }
      text += src[i];
      i++;
    }
  };

  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13) {
      i++;
      ws = true;
      continue;
    }
    if (c === 10) {
      i++;
      row++;
      lineStart = i;
      ws = true;
      nl = true;
      continue;
    }
    if (c === 0) fail('illegal null character', i);
    const start = i;
    const startRow = row;
    const startLs = lineStart;
    if (c === 35) {
      // comment
      let j = i + 1;
      while (j < n && src.charCodeAt(j) !== 10) j++;
      let text = src.slice(i + 1, j);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      comments.push({ text, loc: loc(i) });
      i = j;
      ws = true;
      continue;
    }
    if (isLetter(c)) {
      i++;
      while (i < n) {
        const d = src.charCodeAt(i);
        if (isLetter(d) || isDecimal(d)) i++;
        else break;
      }
      push(Tok.Ident, start, startRow, startLs);
      continue;
    }
    if (isDecimal(c)) {
      scanNumber();
      push(Tok.Number, start, startRow, startLs);
      continue;
    }
    i++;
    switch (c) {
      case 34: {
        // "string"
        let text = '';
        for (;;) {
          if (i >= n || src.charCodeAt(i) === 10) fail('non-terminated string', start);
          const d = src.charCodeAt(i);
          if (d === 34) {
            i++;
            break;
          }
          if (d === 92) {
            const [s, len] = decodeEscape(src, i, (m, o) => fail(m, o));
            text += s;
            i += len;
            continue;
          }
          text += src[i];
          i++;
        }
        push(Tok.String, start, startRow, startLs, { value: text });
        break;
      }
      case 96: {
        // `raw string`
        const close = src.indexOf('`', i);
        if (close < 0) fail('non-terminated string', start);
        const text = src.slice(i, close);
        for (let k = i; k < close; k++) {
          if (src.charCodeAt(k) === 10) {
            row++;
            lineStart = k + 1;
          }
        }
        i = close + 1;
        push(Tok.String, start, startRow, startLs, { value: text });
        break;
      }
      case 36: {
        // $"template" or $`template`
        const d = src.charCodeAt(i);
        if (d !== 34 && d !== 96) fail('illegal $ character', start);
        i++;
        const raw = d === 96;
        if (!scanTemplatePart(raw, start)) templates.push({ raw, depth: 0 });
        break;
      }
      case 91:
        push(Tok.LBrack, start, startRow, startLs);
        break;
      case 93:
        push(Tok.RBrack, start, startRow, startLs);
        break;
      case 123:
        if (templates.length > 0) templates[templates.length - 1]!.depth++;
        push(Tok.LBrace, start, startRow, startLs);
        break;
      case 125: {
        push(Tok.RBrace, start, startRow, startLs);
        const top = templates[templates.length - 1];
        if (top) {
          if (top.depth === 0) {
            // closes an embedded expression: the template string continues
            if (scanTemplatePart(top.raw, i)) templates.pop();
          } else top.depth--;
        }
        break;
      }
      case 40:
        push(Tok.LParen, start, startRow, startLs);
        break;
      case 41:
        push(Tok.RParen, start, startRow, startLs);
        break;
      case 44:
        push(Tok.Comma, start, startRow, startLs);
        break;
      case 58:
        if (src.charCodeAt(i) === 61) {
          i++;
          push(Tok.Assign, start, startRow, startLs);
        } else push(Tok.Colon, start, startRow, startLs);
        break;
      case 43:
        push(Tok.Add, start, startRow, startLs);
        break;
      case 45:
        push(Tok.Sub, start, startRow, startLs);
        break;
      case 42:
        push(Tok.Mul, start, startRow, startLs);
        break;
      case 47:
        push(Tok.Quo, start, startRow, startLs);
        break;
      case 37:
        push(Tok.Rem, start, startRow, startLs);
        break;
      case 38:
        push(Tok.And, start, startRow, startLs);
        break;
      case 124:
        push(Tok.Or, start, startRow, startLs);
        break;
      case 61:
        if (src.charCodeAt(i) === 61) {
          i++;
          push(Tok.Equal, start, startRow, startLs);
        } else push(Tok.Unify, start, startRow, startLs);
        break;
      case 62:
        if (src.charCodeAt(i) === 61) {
          i++;
          push(Tok.Gte, start, startRow, startLs);
        } else push(Tok.Gt, start, startRow, startLs);
        break;
      case 60:
        if (src.charCodeAt(i) === 61) {
          i++;
          push(Tok.Lte, start, startRow, startLs);
        } else push(Tok.Lt, start, startRow, startLs);
        break;
      case 33:
        if (src.charCodeAt(i) === 61) {
          i++;
          push(Tok.Neq, start, startRow, startLs);
        } else fail('illegal ! character', start);
        break;
      case 59:
        push(Tok.Semicolon, start, startRow, startLs);
        break;
      case 46:
        push(Tok.Dot, start, startRow, startLs);
        break;
      default:
        fail(`illegal token`, start);
    }
  }
  if (templates.length > 0) fail('non-terminated string', n);
  tokens.push({
    t: Tok.EOF,
    lit: '',
    row,
    col: i - lineStart + 1,
    offset: i,
    endOffset: i,
    wsBefore: ws,
    nlBefore: nl,
  });
  return { tokens, comments };

  function scanNumber() {
    while (i < n && isDecimal(src.charCodeAt(i))) i++;
    if (src.charCodeAt(i) === 46) {
      i++;
      let found = false;
      while (i < n && isDecimal(src.charCodeAt(i))) {
        i++;
        found = true;
      }
      if (!found) fail('expected fraction', i);
    }
    const e = src.charCodeAt(i);
    if (e === 101 || e === 69) {
      i++;
      const s = src.charCodeAt(i);
      if (s === 43 || s === 45) i++;
      let found = false;
      while (i < n && isDecimal(src.charCodeAt(i))) {
        i++;
        found = true;
      }
      if (!found) fail('expected exponent', i);
    }
    if (i < n && isLetter(src.charCodeAt(i))) fail('illegal number format', i);
  }
}

/** Decodes a JSON escape at `src[i] === '\\'`. Returns the text and the number of source chars used. */
function decodeEscape(src: string, i: number, fail: (m: string, o: number) => never): [string, number] {
  const d = src[i + 1];
  switch (d) {
    case '"':
      return ['"', 2];
    case '\\':
      return ['\\', 2];
    case '/':
      return ['/', 2];
    case 'b':
      return ['\b', 2];
    case 'f':
      return ['\f', 2];
    case 'n':
      return ['\n', 2];
    case 'r':
      return ['\r', 2];
    case 't':
      return ['\t', 2];
    case 'u': {
      const hex = src.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('illegal escape sequence', i);
      return [String.fromCharCode(parseInt(hex, 16)), 6];
    }
    default:
      return fail('illegal escape sequence', i);
  }
}
