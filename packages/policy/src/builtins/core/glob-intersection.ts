// regex.globs_match: whether two "globs" (a small regex dialect: characters, `.`, `[…]` sets,
// each optionally followed by `+` or `*`) match at least one common string. This follows the
// algorithm of github.com/yashtewari/glob-intersection, which OPA uses, including its quirks
// and error texts.

const enum Flag {
  None,
  Plus,
  Star,
}

type Token =
  | { kind: 'char'; rune: string; flag: Flag }
  | { kind: 'dot'; flag: Flag }
  | { kind: 'set'; runes: Set<string>; flag: Flag };

class GlobError extends Error {}

function invalid(input: string[], index: number, message: string): GlobError {
  return new GlobError(`input:${input.join('')}, pos:${index}, ${message}: the input provided is invalid`);
}

interface RuneAt {
  next: number;
  rune: string;
  escaped: boolean;
}

function nextRune(index: number, input: string[]): RuneAt | undefined {
  if (index >= input.length) return undefined;
  if (input[index] === '\\') {
    if (index === input.length - 1) throw invalid(input, index, 'input ends with a \\ (escape) character');
    return { next: index + 2, rune: input[index + 1]!, escaped: true };
  }
  return { next: index + 1, rune: input[index]!, escaped: false };
}

function tokenizeSet(index: number, input: string[]): [number, Token] {
  const runes: string[] = [];
  let prev = '';
  let prevExists = false;
  let at = nextRune(index, input);
  let newIndex = at?.next ?? index;
  while (at) {
    newIndex = at.next;
    if (!at.escaped && at.rune === '-') {
      if (!prevExists) throw invalid(input, newIndex, "range character '-' must be preceded by a Unicode character");
      if (newIndex >= input.length - 1) {
        throw invalid(input, newIndex, "range character '-' must be followed by a Unicode character");
      }
      const hi = nextRune(newIndex, input)!;
      newIndex = hi.next;
      if (!hi.escaped && (hi.rune === ']' || hi.rune === '-')) {
        throw invalid(input, newIndex, "range character '-' cannot be followed by a special symbol");
      }
      const lo = prev.codePointAt(0)!;
      const up = hi.rune.codePointAt(0)!;
      if (up < lo) {
        throw invalid(input, newIndex, `range is out of order: '${hi.rune}' comes before '${prev}' in Unicode`);
      }
      for (let x = lo; x <= up; x++) runes.push(String.fromCodePoint(x));
      prevExists = false;
    } else if (!at.escaped && at.rune === ']') {
      return [newIndex, { kind: 'set', runes: new Set(runes), flag: Flag.None }];
    } else {
      runes.push(at.rune);
      prev = at.rune;
      prevExists = true;
    }
    at = nextRune(newIndex, input);
  }
  throw invalid(input, newIndex, 'found [ without matching ]');
}

function tokenize(text: string): Token[] {
  const input = Array.from(text);
  const tokens: Token[] = [];
  let index = 0;
  for (let at = nextRune(index, input); at; at = nextRune(index, input)) {
    index = at.next;
    let token: Token;
    if (at.escaped) {
      token = { kind: 'char', rune: at.rune, flag: Flag.None };
    } else if (at.rune === '.') {
      token = { kind: 'dot', flag: Flag.None };
    } else if (at.rune === ']') {
      throw invalid(input, index, "set-close ']' with no preceding '['");
    } else if (at.rune === '[') {
      [index, token] = tokenizeSet(index, input);
    } else if (at.rune === '+' || at.rune === '*') {
      throw invalid(input, index, `flag '${at.rune}' must be preceded by a non-flag`);
    } else {
      token = { kind: 'char', rune: at.rune, flag: Flag.None };
    }
    const f = nextRune(index, input);
    if (f && !f.escaped && (f.rune === '+' || f.rune === '*')) {
      token.flag = f.rune === '+' ? Flag.Plus : Flag.Star;
      index = f.next;
    }
    tokens.push(token);
  }
  return simplify(tokens);
}

function sameToken(a: Token, b: Token): boolean {
  if (a.kind === 'char' && b.kind === 'char') return a.rune === b.rune;
  if (a.kind === 'dot' && b.kind === 'dot') return true;
  if (a.kind === 'set' && b.kind === 'set') return a.runes.size === b.runes.size && [...a.runes].every((r) => b.runes.has(r));
  return false;
}

/** Merges adjacent equal flagged tokens (t*t* → t*, t+t* → t+). */
function simplify(tokens: Token[]): Token[] {
  if (tokens.length === 0) return tokens;
  const out: Token[] = [tokens[0]!];
  for (const t of tokens.slice(1)) {
    const latest = out[out.length - 1]!;
    if (t.flag !== Flag.None && latest.flag !== Flag.None && sameToken(t, latest)) {
      latest.flag = t.flag === Flag.Plus || latest.flag === Flag.Plus ? Flag.Plus : Flag.Star;
    } else {
      out.push(t);
    }
  }
  return out;
}

/** Whether two tokens (ignoring flags) can match a common character. */
function match(a: Token, b: Token): boolean {
  if (a.kind === 'dot' || b.kind === 'dot') return true;
  if (a.kind === 'char' && b.kind === 'char') return a.rune === b.rune;
  if (a.kind === 'char' && b.kind === 'set') return b.runes.has(a.rune);
  if (a.kind === 'set' && b.kind === 'char') return a.runes.has(b.rune);
  if (a.kind === 'set' && b.kind === 'set') {
    for (const r of a.runes) if (b.runes.has(r)) return true;
  }
  return false;
}

function trimGlobs(g1: Token[], g2: Token[]): [Token[], Token[]] | undefined {
  let l = 0;
  for (; l < g1.length && l < g2.length && g1[l]!.flag === Flag.None && g2[l]!.flag === Flag.None; l++) {
    if (!match(g1[l]!, g2[l]!)) return undefined;
  }
  // Keep one token of the prefix and of the suffix: empty globs break the algorithm.
  if (l > 0) l--;
  let r1 = g1.length - 1;
  let r2 = g2.length - 1;
  for (; r1 >= 0 && r1 >= l && r2 >= 0 && r2 >= l && g1[r1]!.flag === Flag.None && g2[r2]!.flag === Flag.None; r1--, r2--) {
    if (!match(g1[r1]!, g2[r2]!)) return undefined;
  }
  if (r1 < g1.length - 1) {
    r1++;
    r2++;
  }
  return [g1.slice(l, r1 + 1), g2.slice(l, r2 + 1)];
}

function intersectNormal(g1: Token[], g2: Token[]): boolean {
  let i = 0;
  let j = 0;
  for (; i < g1.length && j < g2.length; i++, j++) {
    if (g1[i]!.flag === Flag.None && g2[j]!.flag === Flag.None) {
      if (!match(g1[i]!, g2[j]!)) return false;
    } else {
      return intersectSpecial(g1.slice(i), g2.slice(j));
    }
  }
  return i === g1.length && j === g2.length;
}

function intersectSpecial(g1: Token[], g2: Token[]): boolean {
  if (g1[0]!.flag !== Flag.None) {
    return g1[0]!.flag === Flag.Plus ? intersectPlus(g1, g2) : intersectStar(g1, g2);
  }
  return g2[0]!.flag === Flag.Plus ? intersectPlus(g2, g1) : intersectStar(g2, g1);
}

function intersectPlus(plussed: Token[], other: Token[]): boolean {
  if (other.length === 0 || !match(plussed[0]!, other[0]!)) return false;
  return intersectStar(plussed, other.slice(1));
}

function intersectStar(starred: Token[], other: Token[]): boolean {
  const star = starred[0]!;
  const next = starred[1];
  for (let i = 0; i < other.length; i++) {
    const t = other[i]!;
    if (next !== undefined && match(t, next)) {
      if (intersectNormal(starred.slice(1), other.slice(i))) return true;
      if (!match(t, star)) return false;
    } else if (!match(t, star)) {
      return false;
    }
  }
  return next === undefined;
}

/** true/false, or the library's error text for an invalid glob. */
export function globsIntersect(lhs: string, rhs: string): boolean | string {
  let g1: Token[];
  let g2: Token[];
  try {
    g1 = tokenize(lhs);
    g2 = tokenize(rhs);
  } catch (e) {
    if (e instanceof GlobError) return e.message;
    throw e;
  }
  const trimmed = trimGlobs(g1, g2);
  return trimmed !== undefined && intersectNormal(trimmed[0], trimmed[1]);
}
