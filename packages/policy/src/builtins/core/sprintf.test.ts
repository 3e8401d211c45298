import { describe, expect, it } from 'vitest';
import { formatFloat } from './gofloat.ts';
import { call } from './test-helpers.ts';
import { compilePolicy, evaluate } from '../../index.ts';

const sprintf = (f: string, ...args: unknown[]) => call('sprintf', f, args);

describe('sprintf (Go fmt)', () => {
  it('formats the verbs the conformance cases use', () => {
    expect(sprintf('hi')).toBe('hi');
    expect(sprintf('hi %s', 'there')).toBe('hi there');
    expect(sprintf('hi %02d', 5)).toBe('hi 05');
    expect(sprintf('hi %02X.%02X', 127, 1)).toBe('hi 7F.01');
    expect(sprintf('hi %.2f', 3.1415)).toBe('hi 3.14');
    expect(sprintf('hi %s', true)).toBe('hi true');
    expect(sprintf('hi %v', ['there', 5, 3.14])).toBe('hi ["there", 5, 3.14]');
    expect(sprintf('%s', 123456789123456789123n)).toBe('123456789123456789123');
    expect(sprintf('%v', 18446744073709551618n)).toBe('18446744073709551618');
    expect(sprintf('%s/%d', 'a', 1)).toBe('a/1');
  });

  it('prints composite values in Rego syntax', () => {
    expect(sprintf('%v', { b: [1, null], a: new Set(['x']) })).toBe('{"a": {"x"}, "b": [1, null]}');
    expect(sprintf('%v', new Set())).toBe('set()');
    expect(sprintf('%v', 'plain')).toBe('plain');
    expect(sprintf('%q', 'a"b')).toBe('"a\\"b"');
  });

  it('reproduces Go type mismatches and argument count errors', () => {
    expect(sprintf('%s', 5)).toBe('%!s(int=5)');
    expect(sprintf('%d', 'x')).toBe('%!d(string=x)');
    expect(sprintf('%f', 5)).toBe('%!f(int=5)');
    expect(sprintf('%d', 1.5)).toBe('%!d(float64=1.5)');
    expect(sprintf('%d %d', 1)).toBe('1 %!d(MISSING)');
    expect(sprintf('%d', 1, 'a')).toBe('1%!(EXTRA string=a)');
    expect(sprintf('100%%')).toBe('100%');
    expect(sprintf('%')).toBe('%!(NOVERB)');
  });

  it('handles width, flags and precision', () => {
    expect(sprintf('%5d|%-5d|%+d|% d', 42, 42, 42, 42)).toBe('   42|42   |+42| 42');
    expect(sprintf('%05d', -42)).toBe('-0042');
    expect(sprintf('%x %X %o %b %#x', 255, 255, 8, 5, 255)).toBe('ff FF 10 101 0xff');
    expect(sprintf('%x', -255)).toBe('-ff');
    expect(sprintf('%8.3f|%-8.2e|', 3.14159, 1234.5)).toBe('   3.142|1.23e+03|');
    expect(sprintf('%.3s', 'abcdef')).toBe('abc');
    expect(sprintf('%x', 'hi')).toBe('6869');
    expect(sprintf('%c', 65)).toBe('A');
    expect(sprintf('%U', 65)).toBe('U+0041');
    expect(sprintf('%[2]d %[1]d', 1, 2)).toBe('2 1');
    expect(sprintf('%*d', 4, 7)).toBe('   7');
  });

  it('formats floats like strconv', () => {
    expect(sprintf('%v', 1234567.5)).toBe('1.2345675e+06');
    expect(sprintf('%v', 0.00001)).toBe('1e-05');
    expect(sprintf('%v', 0.0001)).toBe('0.0001');
    expect(sprintf('%v', 3.14)).toBe('3.14');
    expect(sprintf('%f', 3.14)).toBe('3.140000');
    expect(sprintf('%e', 3.14)).toBe('3.140000e+00');
    expect(sprintf('%g', 100000.5)).toBe('100000.5');
    expect(sprintf('%.2f', 0.125)).toBe('0.12');
    expect(sprintf('%.2f', 0.375)).toBe('0.38');
    expect(sprintf('%.0f', 0.5)).toBe('0');
    expect(sprintf('%.0f', 1.5)).toBe('2');
    expect(sprintf('%.1f', 0.96)).toBe('1.0');
    expect(formatFloat(123456789.5, 'g', 3)).toBe('1.23e+08');
    expect(formatFloat(0.000123, 'g', 2)).toBe('0.00012');
    expect(formatFloat(1.5, 'g', 10)).toBe('1.5');
    expect(formatFloat(99.5, 'f', 0)).toBe('100');
  });
});

describe('numbers beyond float64 keep their literal text', () => {
  const value = (body: string) =>
    evaluate(compilePolicy({ modules: [{ path: 'p.rego', source: `package t\np := ${body}` }] }), { entrypoint: 'data.t.p' }).result;

  it('prints 2e308 as written, like OPA (it cannot be a float64)', () => {
    expect(value('sprintf("hi %v", [2e308])')).toBe('hi 2e308');
    expect(value('sprintf("%d", [2e308])')).toBe('%!d(string=2e308)');
    expect(value('json.marshal({"a": 1e400})')).toBe('{"a":1e400}');
  });

  it('keeps such values exact, and ordinary numbers print as before', () => {
    expect(value('2e308 > 1e308')).toBe(true);
    expect(value('sprintf("%v %v %v", [1e3, 1.5, 123456789012345678901234567890])')).toBe('1000 1.5 123456789012345678901234567890');
  });
});
