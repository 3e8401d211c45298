// GraphQL lexer with gqlparser's token kinds, positions (1-based line, rune column) and error
// texts. Errors are returned on an Invalid token, as gqlparser does, so that the parser decides
// whether its own message or the lexer's is reported.

import { GraphQLError, type Pos } from './ast.ts';

export const Tok = {
  Invalid: '<Invalid>',
  EOF: '<EOF>',
  Bang: '!',
  Dollar: '$',
  Amp: '&',
  ParenL: '(',
  ParenR: ')',
  Spread: '...',
  Colon: ':',
  Equals: '=',
  At: '@',
  BracketL: '[',
  BracketR: ']',
  BraceL: '{',
  BraceR: '}',
  Pipe: '|',
  Name: 'Name',
  Int: 'Int',
  Float: 'Float',
  String: 'String',
  BlockString: 'BlockString',
} as const;
export type TokKind = (typeof Tok)[keyof typeof Tok];

export interface Token {
  kind: TokKind;
  value: string;
  pos: Pos;
  error?: GraphQLError;
}

/** gqlparser's Token.String(): kind, plus the quoted value when there is one. */
export function tokenString(t: Token): string {
  return t.value !== '' ? `${t.kind} ${JSON.stringify(t.value)}` : t.kind;
}

const PUNCT: Record<string, TokKind> = {
  '!': Tok.Bang,
  $: Tok.Dollar,
  '&': Tok.Amp,
  '(': Tok.ParenL,
  ')': Tok.ParenR,
  ':': Tok.Colon,
  '=': Tok.Equals,
  '@': Tok.At,
  '[': Tok.BracketL,
  ']': Tok.BracketR,
  '{': Tok.BraceL,
  '}': Tok.BraceR,
  '|': Tok.Pipe,
};

const isNameStart = (c: string) => /[_A-Za-z]/.test(c);
const isNameChar = (c: string) => /[_0-9A-Za-z]/.test(c);
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

export class Lexer {
  private end = 0; // UTF-16 index
  private endRunes = 0;
  private start = 0;
  private startRunes = 0;
  private line = 1;
  private lineStartRunes = 0;

  constructor(private readonly input: string) {}

  private token(kind: TokKind, value: string): Token {
    return { kind, value, pos: { line: this.line, column: this.startRunes - this.lineStartRunes + 1 } };
  }

  private error(message: string): Token {
    const pos = { line: this.line, column: this.endRunes - this.lineStartRunes + 1 };
    return { kind: Tok.Invalid, value: '', pos, error: new GraphQLError(message, pos) };
  }

  /** Advances over one code point, returning it. */
  private advance(): string {
    const cp = this.input.codePointAt(this.end)!;
    const ch = String.fromCodePoint(cp);
    this.end += ch.length;
    this.endRunes++;
    return ch;
  }

  private ws() {
    while (this.end < this.input.length) {
      const c = this.input[this.end]!;
      if (c === '\t' || c === ' ' || c === ',') {
        this.end++;
        this.endRunes++;
      } else if (c === '\n') {
        this.end++;
        this.endRunes++;
        this.line++;
        this.lineStartRunes = this.endRunes;
      } else if (c === '\r') {
        this.end++;
        this.endRunes++;
        this.line++;
        this.lineStartRunes = this.endRunes;
        if (this.input[this.end] === '\n') {
          this.end++;
          this.endRunes++;
        }
      } else if (c === '\ufeff') {
        this.end++;
        this.endRunes++;
      } else return;
    }
  }

  next(): Token {
    for (;;) {
      this.ws();
      this.start = this.end;
      this.startRunes = this.endRunes;
      if (this.end >= this.input.length) return this.token(Tok.EOF, '');
      const c = this.input[this.end]!;
      if (c === '#') {
        while (this.end < this.input.length) {
          const d = this.input[this.end]!;
          if (d === '\n' || d === '\r' || (d < ' ' && d !== '\t')) break;
          this.advance();
        }
        continue;
      }
      const punct = PUNCT[c];
      if (punct) {
        this.advance();
        return this.token(punct, '');
      }
      if (c === '.' && this.input.startsWith('...', this.end)) {
        this.end += 3;
        this.endRunes += 3;
        return this.token(Tok.Spread, '');
      }
      if (isNameStart(c)) return this.readName();
      if (c === '-' || isDigit(c)) return this.readNumber();
      if (c === '"') return this.input.startsWith('"""', this.end) ? this.readBlockString() : this.readString();
      const code = c.charCodeAt(0);
      if (code < 0x20 && c !== '\t' && c !== '\n' && c !== '\r') {
        return this.error(`Cannot contain the invalid character "\\u${String(code).padStart(4, '0')}"`);
      }
      if (c === "'") return this.error(`Unexpected single quote character ('), did you mean to use a double quote (")?`);
      return this.error(`Cannot parse the unexpected character "${String.fromCodePoint(this.input.codePointAt(this.end)!)}".`);
    }
  }

  private readName(): Token {
    while (this.end < this.input.length && isNameChar(this.input[this.end]!)) this.advance();
    return this.token(Tok.Name, this.input.slice(this.start, this.end));
  }

  private acceptDigits(): number {
    let n = 0;
    while (isDigit(this.input[this.end])) {
      this.advance();
      n++;
    }
    return n;
  }

  private describeNext(): string {
    return this.end < this.input.length ? `"${this.input[this.end]}"` : '<EOF>';
  }

  private readNumber(): Token {
    let float = false;
    if (this.input[this.end] === '-') this.advance();
    if (this.input[this.end] === '0') {
      this.advance();
      if (isDigit(this.input[this.end])) return this.error(`Invalid number, unexpected digit after 0: ${this.describeNext()}.`);
    } else if (this.acceptDigits() === 0) {
      return this.error(`Invalid number, expected digit but got: ${this.describeNext()}.`);
    }
    if (this.input[this.end] === '.') {
      this.advance();
      float = true;
      if (this.acceptDigits() === 0) return this.error(`Invalid number, expected digit but got: ${this.describeNext()}.`);
    }
    if (this.input[this.end] === 'e' || this.input[this.end] === 'E') {
      this.advance();
      float = true;
      if (this.input[this.end] === '-' || this.input[this.end] === '+') this.advance();
      if (this.acceptDigits() === 0) return this.error(`Invalid number, expected digit but got: ${this.describeNext()}.`);
    }
    return this.token(float ? Tok.Float : Tok.Int, this.input.slice(this.start, this.end));
  }

  private readString(): Token {
    this.advance(); // opening quote: gqlparser reports the column of the first character after it
    this.startRunes = this.endRunes;
    let out = '';
    while (this.end < this.input.length) {
      const c = this.input[this.end]!;
      if (c === '\n' || c === '\r') break;
      if (c < ' ' && c !== '\t') return this.error(`Invalid character within String: "\\u${String(c.charCodeAt(0)).padStart(4, '0')}".`);
      if (c === '"') {
        const t = this.token(Tok.String, out);
        this.advance();
        return t;
      }
      if (c === '\\') {
        const e = this.input[this.end + 1];
        if (e === undefined) {
          this.advance();
          return this.error('Invalid character escape sequence.');
        }
        if (e === 'u') {
          const hex = this.input.slice(this.end + 2, this.end + 6);
          if (this.end + 6 >= this.input.length) {
            this.advance();
            return this.error(`Invalid character escape sequence: \\${this.input.slice(this.end)}.`);
          }
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            this.advance();
            return this.error(`Invalid character escape sequence: \\${this.input.slice(this.end, this.end + 5)}.`);
          }
          out += String.fromCharCode(parseInt(hex, 16));
          this.end += 6;
          this.endRunes += 6;
          continue;
        }
        const simple: Record<string, string> = { '"': '"', '/': '/', '\\': '\\', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (simple[e] === undefined) {
          this.advance();
          return this.error(`Invalid character escape sequence: \\${e}.`);
        }
        out += simple[e];
        this.end += 2;
        this.endRunes += 2;
        continue;
      }
      out += this.advance();
    }
    return this.error('Unterminated string.');
  }

  private readBlockString(): Token {
    this.end += 3;
    this.endRunes += 3;
    this.startRunes += 3;
    let raw = '';
    while (this.end < this.input.length) {
      const c = this.input[this.end]!;
      if (c === '"' && this.input.startsWith('"""', this.end)) {
        // Like gqlparser: the line is where the string ends, the column counts from its start.
        const t = this.token(Tok.BlockString, blockStringValue(raw));
        this.end += 3;
        this.endRunes += 3;
        return t;
      }
      if (c < ' ' && c !== '\t' && c !== '\n' && c !== '\r') {
        return this.error(`Invalid character within String: "\\u${String(c.charCodeAt(0)).padStart(4, '0')}".`);
      }
      if (c === '\\' && this.input.startsWith('\\"""', this.end)) {
        raw += '"""';
        this.end += 4;
        this.endRunes += 4;
      } else if (c === '\r') {
        if (this.input[this.end + 1] === '\n') {
          this.end++;
          this.endRunes++;
        }
        raw += '\n';
        this.end++;
        this.endRunes++;
        this.line++;
        this.lineStartRunes = this.endRunes;
      } else {
        raw += this.advance();
        if (c === '\n') {
          this.line++;
          this.lineStartRunes = this.endRunes;
        }
      }
    }
    return this.error('Unterminated string.');
  }
}

/** The GraphQL spec's BlockStringValue: strip common indentation and blank edge lines. */
export function blockStringValue(raw: string): string {
  const lines = raw.split(/\r\n|\n|\r/);
  let common: number | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const indent = line.length - line.replace(/^[ \t]+/, '').length;
    if (indent < line.length && (common === undefined || indent < common)) common = indent;
  }
  if (common) for (let i = 1; i < lines.length; i++) lines[i] = lines[i]!.slice(common);
  while (lines.length && /^[ \t]*$/.test(lines[0]!)) lines.shift();
  while (lines.length && /^[ \t]*$/.test(lines[lines.length - 1]!)) lines.pop();
  return lines.join('\n');
}
