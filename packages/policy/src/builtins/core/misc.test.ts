import { describe, expect, it } from 'vitest';
import { RSet } from '../../value.ts';
import { coreBuiltins } from './index.ts';
import { call, makeContext, same } from './test-helpers.ts';

describe('units', () => {
  it('parses SI and binary units exactly', () => {
    expect(call('units.parse', '500m')).toBe(0.5);
    expect(call('units.parse', '0.0005K')).toBe(0.5);
    expect(call('units.parse', '0.0000005M')).toBe(0.5);
    expect(call('units.parse', '1024')).toBe(call('units.parse', '1Ki'));
    expect(call('units.parse', '1.1Ki')).toBe(1126.4);
    expect(call('units.parse', '"100TI"')).toBe(109951162777600);
    expect(call('units.parse', '10Ei')).toBe(11529215046068469760n);
    expect(call('units.parse', '10e')).toBe(10000000000000000000n);
    expect(call('units.parse', '-3.5E2m')).toBe(-0.35);
    expect(call('units.parse', '6e3Mi')).toBe(6291456000);
    expect(call('units.parse', '5E')).toBe(5000000000000000000n);
    expect(call('units.parse', '1e-2')).toBe(0.01);
    expect(call('units.parse', '.0')).toBe(0);
    expect(() => call('units.parse', '')).toThrow('units.parse: no amount provided');
    expect(() => call('units.parse', 'foo')).toThrow('no amount provided');
    expect(() => call('units.parse', '0.0.0')).toThrow('could not parse amount to a number');
    expect(() => call('units.parse', ' 327Mi ')).toThrow('spaces not allowed in resource strings');
    expect(() => call('units.parse', '10e10000000Ei')).toThrow('units.parse: exponent too large');
    expect(() => call('units.parse', '10Mib')).toThrow('unit Mib not recognized');
  });

  it('parses byte sizes', () => {
    expect(call('units.parse_bytes', '"100TIB"')).toBe(109951162777600);
    expect(call('units.parse_bytes', '10KB')).toBe(10000);
    expect(call('units.parse_bytes', '10Kib')).toBe(10240);
    expect(call('units.parse_bytes', '1.1KiB')).toBe(1126);
    expect(call('units.parse_bytes', '.5KB')).toBe(500);
    expect(call('units.parse_bytes', '100ki')).toBe(102400);
    expect(call('units.parse_bytes', '10eib')).toBe(11529215046068469760n);
    expect(call('units.parse_bytes', '1e-2KB')).toBe(10);
    expect(call('units.parse_bytes', '3.2E2MiB')).toBe(335544320);
    expect(call('units.parse_bytes', '5E')).toBe(5000000000000000000n);
    expect(() => call('units.parse_bytes', 'GB')).toThrow('units.parse_bytes: no byte amount provided');
    expect(() => call('units.parse_bytes', '.5.2')).toThrow('could not parse byte amount to a number');
    expect(() => call('units.parse_bytes', '100 kb')).toThrow('spaces not allowed in resource strings');
    expect(() => call('units.parse_bytes', '10e10000000EiB')).toThrow('exponent too large');
    expect(() => call('units.parse_bytes', '10xb')).toThrow('byte unit xb not recognized');
  });
});

describe('semver', () => {
  it('validates and compares', () => {
    expect(call('semver.is_valid', '1.0.0')).toBe(true);
    expect(call('semver.is_valid', '1')).toBe(false);
    expect(call('semver.is_valid', 1)).toBe(false);
    expect(call('semver.is_valid', '1.0.0-rc.1+build.5')).toBe(true);
    expect(call('semver.is_valid', '1.0.0-rc..1')).toBe(false);
    expect(call('semver.compare', '1.0.0', '2.0.0')).toBe(-1);
    expect(call('semver.compare', '2.0.0', '1.0.0')).toBe(1);
    expect(call('semver.compare', '1.0.0', '1.0.0+meta')).toBe(0);
    expect(call('semver.compare', '1.0.0-alpha', '1.0.0')).toBe(-1);
    expect(call('semver.compare', '1.0.0-alpha.1', '1.0.0-alpha.beta')).toBe(-1);
    expect(call('semver.compare', '1.0.0-rc.11', '1.0.0-rc.2')).toBe(1);
    expect(call('semver.compare', '1.0.0-alpha', '1.0.0-alpha.1')).toBe(-1);
    expect(() => call('semver.compare', '1', '1.0.0')).toThrow('semver.compare: operand 1: string "1" is not a valid SemVer');
    expect(() => call('semver.compare', '1.0.0', '1')).toThrow('operand 2: string "1" is not a valid SemVer');
  });
});

describe('uuid', () => {
  it('parses the google/uuid forms', () => {
    const v4 = { variant: 'RFC4122', version: 4 };
    expect(same(call('uuid.parse', '00000000-0000-4000-8000-000000000000'), v4)).toBe(true);
    expect(same(call('uuid.parse', '{00000000-0000-4000-8000-000000000000}'), v4)).toBe(true);
    expect(same(call('uuid.parse', '(00000000-0000-4000-8000-000000000000)'), v4)).toBe(true);
    expect(same(call('uuid.parse', '6bea8ef2d3d33cd184e09bab06a52ece'), { variant: 'RFC4122', version: 3 })).toBe(true);
    const v2 = {
      clocksequence: 12800,
      domain: 'Person',
      id: 1000,
      macvariables: 'local:unicast',
      nodeid: '32-50-96-b3-9f-47',
      time: 1693566990121469600n,
      variant: 'RFC4122',
      version: 2,
    };
    expect(same(call('uuid.parse', 'URN:UUID:000003e8-48b9-21ee-b200-325096b39f47'), v2)).toBe(true);
    expect(call('uuid.parse', 'not-a-uuid')).toBeUndefined();
    expect(call('uuid.parse', '00000000-0000-4000-8000-00000000000g')).toBeUndefined();
  });

  it('generates one v4 UUID per argument within an evaluation', () => {
    const b = coreBuiltins.find((x) => x.name === 'uuid.rfc4122')!;
    const ctx = makeContext();
    const a = b.impl(['key'], ctx) as string;
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.impl(['key'], ctx)).toBe(a);
    expect(b.impl(['other'], ctx)).not.toBe(a);
  });
});

describe('bits', () => {
  it('operates on big integers', () => {
    expect(call('bits.and', 7, 9)).toBe(1);
    expect(call('bits.or', 7, 9)).toBe(15);
    expect(call('bits.xor', 42, 3)).toBe(41);
    expect(call('bits.negate', 42)).toBe(-43);
    expect(call('bits.lsh', 1, 3)).toBe(8);
    expect(call('bits.lsh', 2147483647, 1)).toBe(4294967294);
    expect(call('bits.lsh', 9223372036854775807n, 1)).toBe(18446744073709551614n);
    expect(call('bits.rsh', 8, 3)).toBe(1);
    expect(call('bits.rsh', -8, 1)).toBe(-4);
    expect(() => call('bits.and', 7.2, 42)).toThrow('bits.and: operand 1 must be integer number but got floating-point number');
    expect(() => call('bits.lsh', 7, -1)).toThrow('bits.lsh: operand 2 must be an unsigned integer number but got a negative integer');
    expect(() => call('bits.xor', 7, 'hi')).toThrow('operand 2 must be integer but got string');
  });
});

describe('graph', () => {
  it('finds reachable nodes', () => {
    expect(same(call('graph.reachable', { a: new Set(['b']), b: new Set(['c']), c: new Set(['a']) }, new Set(['a'])), new Set(['a', 'b', 'c']))).toBe(true);
    const g = { a: new Set(['b', 'c']), b: new Set(['d']), c: new Set(['d']), d: new Set(), e: new Set(['f']), f: new Set(['e']), x: new Set(['x']) };
    expect(same(call('graph.reachable', g, new Set(['b', 'e'])), new Set(['b', 'd', 'e', 'f']))).toBe(true);
    expect(same(call('graph.reachable', { a: null }, ['a']), new Set(['a']))).toBe(true);
    expect(same(call('graph.reachable', {}, new Set(['a'])), new Set())).toBe(true);
    expect(() => call('graph.reachable', 1, [1])).toThrow('operand 1 must be object but got number');
    expect(() => call('graph.reachable', { a: [] }, 'a')).toThrow('operand 2 must be {array, set} but got string');
  });

  it('finds reachable paths', () => {
    expect(same(call('graph.reachable_paths', { a: ['b', 'c'], b: ['c'], c: [] }, new Set(['a'])), new Set([['a', 'b', 'c'], ['a', 'c']]))).toBe(true);
    expect(
      same(call('graph.reachable_paths', { 1: [], 2: ['1'], 3: ['2'], 4: ['3', '2'], 5: ['4'] }, ['5']), new Set([['5', '4', '2', '1'], ['5', '4', '3', '2', '1']])),
    ).toBe(true);
    expect(same(call('graph.reachable_paths', { a: ['b'], b: ['nonexistent'] }, new Set(['a', 'b'])), new Set([['a', 'b'], ['b']]))).toBe(true);
    expect(same(call('graph.reachable_paths', { a: null }, ['a']), new Set([['a']]))).toBe(true);
    const cyc = { one: ['two', 'five'], two: ['four'], three: [''], four: ['three'], five: ['seven', 'six'], six: ['nine', 'seven'], seven: ['eight'], eight: ['three'], nine: [''] };
    expect(
      same(
        call('graph.reachable_paths', cyc, new Set(['one'])),
        new Set([
          ['one', 'five', 'seven', 'eight', 'three'],
          ['one', 'five', 'six', 'nine'],
          ['one', 'five', 'six', 'seven', 'eight', 'three'],
          ['one', 'two', 'four', 'three'],
        ]),
      ),
    ).toBe(true);
  });
});

describe('net.cidr_*', () => {
  it('checks containment and intersection', () => {
    expect(call('net.cidr_contains', '10.0.0.0/8', '10.1.0.0/24')).toBe(true);
    expect(call('net.cidr_contains', '172.17.0.0/24', '172.17.0.0/16')).toBe(false);
    expect(call('net.cidr_contains', '10.0.0.0/8', '10.1.2.3')).toBe(true);
    expect(call('net.cidr_contains', '10.0.0.0/8', '::ffff:10.1.2.3')).toBe(true);
    expect(call('net.cidr_contains', '2001:4860:4860::8888/32', '2001:4860:4860:1234::8888/40')).toBe(true);
    expect(call('net.cidr_contains', '2001:4860::/96', '2001:4860::/32')).toBe(false);
    expect(call('net.cidr_contains', '2001:4860::/32', 'fd1e:5bfe:8af3:9ddc::/64')).toBe(false);
    expect(call('net.cidr_overlap', '192.168.1.0/28', '192.168.1.67')).toBe(false);
    expect(() => call('net.cidr_contains', 'not-a-cidr', '192.168.1.67')).toThrow('invalid CIDR address: not-a-cidr');
    expect(() => call('net.cidr_contains', '192.168.1.0/28', 'not-a-cidr')).toThrow(
      'not a valid textual representation of an IP address or CIDR: not-a-cidr',
    );
    expect(call('net.cidr_intersects', '192.168.1.0/25', '192.168.1.64/25')).toBe(true);
    expect(call('net.cidr_intersects', '192.168.1.0/24', '192.168.2.0/24')).toBe(false);
    expect(call('net.cidr_intersects', 'fd1e:5bfe:8af3:9ddc::/64', 'fd1e:5bfe:8af3:9ddc:1111::/72')).toBe(true);
  });

  it('validates with Go syntax rules', () => {
    expect(call('net.cidr_is_valid', '192.168.1.0/24')).toBe(true);
    expect(call('net.cidr_is_valid', '2002::1234:abcd:ffff:c0a8:101/64')).toBe(true);
    for (const bad of ['', 'there goes a string', '192.168.1.2', '192.168.01.0/24', '1.2.3.4/33', '::1/129', ':::/1']) {
      expect(call('net.cidr_is_valid', bad)).toBe(false);
    }
  });

  it('finds matches', () => {
    expect(same(call('net.cidr_contains_matches', '1.1.1.0/24', '1.1.1.1'), new Set([['1.1.1.0/24', '1.1.1.1']]))).toBe(true);
    expect(same(call('net.cidr_contains_matches', [['1.1.2.0/24', 1], '1.1.1.0/24'], ['1.1.1.1', '1.1.2.1']), new Set([[0, 1], [1, 0]]))).toBe(true);
    expect(
      same(call('net.cidr_contains_matches', { k1: '1.1.1.1/24', k2: ['1.1.1.2/24', 1] }, '1.1.1.128'), new Set([['k1', '1.1.1.128'], ['k2', '1.1.1.128']])),
    ).toBe(true);
    expect(() => call('net.cidr_contains_matches', ['1.1.2.0/24'], ['1.1.1.1', 1])).toThrow(
      'net.cidr_contains_matches: operand 2: element must be string or non-empty array',
    );
  });

  it('expands', () => {
    expect((call('net.cidr_expand', '192.168.1.1/30') as RSet).values()).toEqual(['192.168.1.0', '192.168.1.1', '192.168.1.2', '192.168.1.3']);
    expect((call('net.cidr_expand', '172.16.100.255/30') as RSet).values()).toEqual([
      '172.16.100.252',
      '172.16.100.253',
      '172.16.100.254',
      '172.16.100.255',
    ]);
    expect((call('net.cidr_expand', 'fe80::/126') as RSet).values()).toEqual(['fe80::', 'fe80::1', 'fe80::2', 'fe80::3']);
    expect(() => call('net.cidr_expand', '192.168.1.1/33')).toThrow('net.cidr_expand: invalid CIDR address: 192.168.1.1/33');
  });

  it('merges like OPA', () => {
    const merge = (...xs: string[]) => (call('net.cidr_merge', xs) as RSet).values();
    expect(merge('192.0.128.0/24', '192.0.128.0/24')).toEqual(['192.0.128.0/24']);
    expect(merge('192.0.128.0/24', '0.0.0.0/0')).toEqual(['0.0.0.0/0']);
    expect(merge('192.0.128.0/24', '192.0.129.0/24')).toEqual(['192.0.128.0/23']);
    expect(merge('192.0.2.112/30', '192.0.2.116/31', '192.0.2.118/31')).toEqual(['192.0.2.112/29']);
    expect(merge('192.0.2.112/30', '192.0.2.116/32', '192.0.2.118/31')).toEqual(['192.0.2.112/30', '192.0.2.116/32', '192.0.2.118/31']);
    expect(merge('192.0.2.112/31', '192.0.2.116/31', '192.0.2.118/31')).toEqual(['192.0.2.112/31', '192.0.2.116/30']);
    const many = ['192.0.1.254/31', '192.0.3.0/28'];
    for (let i = 0; i < 256; i += 16) many.push(`192.0.2.${i}/28`);
    expect(merge(...many)).toEqual(['192.0.1.254/31', '192.0.2.0/24', '192.0.3.0/28']);
    expect(merge('::/0', '::192.0.2.0/124', 'ff00::101/128')).toEqual(['::/0']);
    expect(merge('fe80::/120', '192.0.2.0/24', '192.0.3.0/24', '192.0.4.0/25', '192.0.4.128/25')).toEqual([
      '192.0.2.0/23',
      '192.0.4.0/24',
      'fe80::/120',
    ]);
    expect(merge('192.0.2.112', '192.0.2.116/31', '192.0.2.118/31')).toEqual(['192.0.2.0/24']);
    expect(merge('192.0.128.0', '192.0.129.0')).toEqual(['192.0.128.0/23']);
    expect(merge('10.1.2.3')).toEqual(['10.1.2.3/8']);
    expect(merge('2601:600:8a80:207e:a57d:7567:e2c9:e7b3/64', '2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128')).toEqual(['2601:600:8a80:207e::/64']);
    expect(merge()).toEqual([]);
    expect(() => merge('2601:600:8a80:207e:a57d:7567:e2c9:e7b3')).toThrow('net.cidr_merge: IPv6 invalid: needs prefix length');
    expect(() => merge('foo')).toThrow('invalid CIDR address: foo');
  });
});

describe('uri', () => {
  it('parses like net/url', () => {
    expect(same(call('uri.parse', 'https://example.com:8080/api?q=1#top'), {
      scheme: 'https', hostname: 'example.com', port: '8080', path: '/api', raw_path: '/api', raw_query: 'q=1', fragment: 'top',
    })).toBe(true);
    expect(same(call('uri.parse', 'https://example.com?q=1#frag'), { scheme: 'https', hostname: 'example.com', raw_query: 'q=1', fragment: 'frag' })).toBe(true);
    expect(same(call('uri.parse', 'http://[::1]:8080/path'), { scheme: 'http', hostname: '::1', port: '8080', path: '/path', raw_path: '/path' })).toBe(true);
    expect(same(call('uri.parse', 'https://example.com/path%2Fwith%2Fslashes'), {
      scheme: 'https', hostname: 'example.com', path: '/path/with/slashes', raw_path: '/path%2Fwith%2Fslashes',
    })).toBe(true);
    expect(same(call('uri.parse', 'https://example.com/a%28b%29'), { scheme: 'https', hostname: 'example.com', path: '/a(b)', raw_path: '/a(b)' })).toBe(true);
    expect(same(call('uri.parse', 'http://foo]bar/'), { scheme: 'http', hostname: 'foo]bar', path: '/', raw_path: '/' })).toBe(true);
    expect(same(call('uri.parse', ''), {})).toBe(true);
    expect(same(call('uri.parse', 'mailto:user@example.com'), { scheme: 'mailto' })).toBe(true);
    expect(() => call('uri.parse', 'http://exa%6dple.com/')).toThrow('uri.parse: parse "http://exa%6dple.com/": invalid URL escape "%6d"');
    expect(() => call('uri.parse', 'http://a<b@example.com/')).toThrow('parse "http://a<b@example.com/": net/url: invalid userinfo');
    expect(() => call('uri.parse', 'http://example.com:٣٤/')).toThrow('invalid port ":٣٤" after host');
  });

  it('validates', () => {
    expect(call('uri.is_valid', 'https://example.com/path?q=1')).toBe(true);
    expect(call('uri.is_valid', '')).toBe(false);
    expect(call('uri.is_valid', 'http://[invalid')).toBe(false);
    expect(call('uri.is_valid', 'http://user name@example.com/')).toBe(false);
    expect(call('uri.is_valid', 'http://foo]bar/')).toBe(true);
  });
});

describe('strings.render_template', () => {
  const render = (t: string, vars: unknown) => call('strings.render_template', t, vars);
  it('renders Go templates', () => {
    expect(render('{{.test}}', { test: 'hello world' })).toBe('hello world');
    expect(render('{{.test}}', { test: 2023 })).toBe('2023');
    expect(render('{{range $i, $name := .hellonames}}{{if $i}},{{end}}hello {{$name}}{{end}}', { hellonames: ['rohan', 'john doe'] })).toBe(
      'hello rohan,hello john doe',
    );
    expect(render('test {{.foo}} {{.bar}} {{.baz}}', { baz: 1 })).toBe('test <undefined> <undefined> 1');
    expect(render('{{- " a " -}} {{ .x | printf "%s!" }}', { x: 'hi' })).toBe(' a hi!');
    expect(render('{{if eq .a "x"}}yes{{else if .b}}b{{else}}no{{end}}', { a: 'y', b: true })).toBe('b');
    expect(render('{{with .o}}{{.k}}{{end}}{{len .l}}{{index .l 1}}', { o: { k: 'v' }, l: [1, 2] })).toBe('v22');
    expect(render('{{range .m}}{{.}};{{else}}empty{{end}}', { m: { b: 2, a: 1 } })).toBe('1;2;');
    expect(render('{{range .e}}x{{else}}empty{{end}}', { e: [] })).toBe('empty');
    expect(render('{{$x := "v"}}{{$x}}{{/* note */}}', {})).toBe('v');
    expect(render('{{.l}} {{.o}}', { l: ['a', 1], o: { k: true } })).toBe('[a 1] map[k:true]');
    expect(() => render('{{if .a}}', { a: 1 })).toThrow('strings.render_template: template: template: unexpected EOF');
    expect(() => render('{{nosuch 1}}', {})).toThrow('function "nosuch" not defined');
  });
});

describe('type errors from the registry helpers', () => {
  it('rejects wrong operand types with OPA messages', () => {
    expect(() => call('regex.split', 1, 'x')).toThrow('regex.split: operand 1 must be string but got number');
    expect(() => call('glob.quote_meta', new RSet())).toThrow('operand 1 must be string but got set');
  });
});
