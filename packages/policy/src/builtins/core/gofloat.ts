// Go's strconv.FormatFloat for float64 ('e', 'E', 'f', 'g', 'G'), used by sprintf. Digits come
// from the exact binary value, rounded half-to-even like Go, not from toFixed (which rounds ties
// up).

interface Digits {
  /** Significant digits without trailing zeros ("" for zero). */
  d: string;
  /** Position of the decimal point relative to the start of d. */
  dp: number;
}

function trimZeros(d: Digits): Digits {
  const t = d.d.replace(/0+$/, '');
  return t === '' ? { d: '', dp: 0 } : { d: t, dp: d.dp };
}

/** Shortest digits that round-trip (what Go uses for precision -1). */
function shortestDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const [mant = '', exp = '0'] = Math.abs(x).toExponential().split('e');
  return trimZeros({ d: mant.replace('.', ''), dp: Number(exp) + 1 });
}

/** All digits of the exact binary value of x. */
function exactDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const bits = buf.getBigUint64(0);
  const biasedExp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let exp: number;
  if (biasedExp === 0) {
    exp = -1074;
  } else {
    mant |= 1n << 52n;
    exp = biasedExp - 1075;
  }
  if (exp >= 0) {
    const s = (mant << BigInt(exp)).toString();
    return trimZeros({ d: s, dp: s.length });
  }
  // mant × 2^exp = mant × 5^-exp / 10^-exp
  const s = (mant * 5n ** BigInt(-exp)).toString();
  return trimZeros({ d: s, dp: s.length + exp });
}

/** Rounds to `nd` significant digits, half to even. */
function roundDigits(dg: Digits, nd: number): Digits {
  if (nd < 0) return { d: '', dp: 0 };
  if (dg.d.length <= nd) return dg;
  const digits = dg.d.split('').map(Number);
  const next = digits[nd]!;
  const rest = digits.slice(nd + 1).some((v) => v !== 0);
  let up = next > 5 || (next === 5 && (rest || (nd > 0 && digits[nd - 1]! % 2 === 1)));
  if (next === 5 && !rest && nd === 0) up = false; // 0.5 rounds to even 0
  const kept = digits.slice(0, nd);
  let dp = dg.dp;
  if (up) {
    let i = nd - 1;
    while (i >= 0 && kept[i] === 9) {
      kept[i] = 0;
      i--;
    }
    if (i < 0) {
      kept.unshift(1);
      kept.pop();
      dp++;
      if (nd === 0) return { d: '1', dp };
    } else {
      kept[i]!++;
    }
  }
  return trimZeros({ d: kept.join(''), dp });
}

function fmtE(dg: Digits, prec: number, upper: boolean): string {
  let out = dg.d === '' ? '0' : dg.d[0]!;
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += dg.d[i] ?? '0';
  }
  const exp = dg.d === '' ? 0 : dg.dp - 1;
  const abs = Math.abs(exp);
  return out + (upper ? 'E' : 'e') + (exp < 0 ? '-' : '+') + (abs < 10 ? '0' : '') + abs;
}

function fmtF(dg: Digits, prec: number): string {
  let out = '';
  if (dg.dp > 0) {
    for (let i = 0; i < dg.dp; i++) out += dg.d[i] ?? '0';
  } else {
    out = '0';
  }
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) {
      const j = dg.dp + i - 1;
      out += j >= 0 ? (dg.d[j] ?? '0') : '0';
    }
  }
  return out;
}

/** strconv.FormatFloat(x, fmt, prec, 64); prec -1 means the shortest representation. */
export function formatFloat(x: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const shortest = prec < 0;
  let dg: Digits;
  if (shortest) {
    dg = shortestDigits(x);
    if (fmt === 'e' || fmt === 'E') prec = Math.max(dg.d.length - 1, 0);
    else if (fmt === 'f') prec = Math.max(dg.d.length - dg.dp, 0);
    else prec = dg.d.length;
  } else {
    const exact = exactDigits(x);
    if (fmt === 'e' || fmt === 'E') dg = roundDigits(exact, prec + 1);
    else if (fmt === 'f') dg = roundDigits(exact, exact.dp + prec);
    else dg = roundDigits(exact, prec === 0 ? 1 : prec);
    if ((fmt === 'g' || fmt === 'G') && prec === 0) prec = 1;
  }
  let body: string;
  if (fmt === 'e' || fmt === 'E') {
    body = fmtE(dg, prec, fmt === 'E');
  } else if (fmt === 'f') {
    body = fmtF(dg, prec);
  } else {
    let eprec = prec;
    if (eprec > dg.d.length && dg.d.length >= dg.dp) eprec = dg.d.length;
    if (shortest) eprec = 6;
    const exp = dg.dp - 1;
    if (dg.d !== '' && (exp < -4 || exp >= eprec)) {
      if (prec > dg.d.length) prec = dg.d.length;
      body = fmtE(dg, prec - 1, fmt === 'G');
    } else {
      if (prec > dg.dp) prec = dg.d.length;
      body = fmtF(dg, Math.max(prec - dg.dp, 0));
    }
  }
  return (neg ? '-' : '') + body;
}
