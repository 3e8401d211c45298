import { describe, expect, it } from 'vitest';
import { RObject, RSet, toJSONText } from '../../value.ts';
import { yamlBuiltins } from './yaml.ts';
import { caller } from './testing.ts';

const call = caller(yamlBuiltins);

describe('yaml.*', () => {
  it('marshals like go-yaml: sorted keys, unindented sequences, sets as lists', () => {
    const v = [RObject.from([['foo', RSet.from([3, 1, 2])], ['bar', 'true'], ['a', new RObject()]])];
    expect(call('yaml.marshal', v)).toBe('- a: {}\n  bar: "true"\n  foo:\n  - 1\n  - 2\n  - 3\n');
    expect(toJSONText(call('yaml.unmarshal', call('yaml.marshal', v)!)!)).toBe('[{"a":{},"bar":"true","foo":[1,2,3]}]');
  });
  it('quotes strings like go-yaml v2', () => {
    const v = RObject.from([
      ['s', 'a: b'],
      ['t', 'true'],
      ['n', '123'],
      ['e', ''],
      ['p', 'plain text'],
      ['d', '2001-12-14'],
      ['m', 'multi\nline'],
    ]);
    expect(call('yaml.marshal', v)).toBe('d: "2001-12-14"\ne: ""\nm: |-\n  multi\n  line\n"n": "123"\np: plain text\ns: \'a: b\'\nt: "true"\n');
  });
  it('unmarshals YAML 1.1 scalars with string keys and exact integers', () => {
    expect(toJSONText(call('yaml.unmarshal', 'on: yes\n1: 0755\nd: 2001-12-14\nbig: 12345678901234567890\nnothing: ~')!)).toBe(
      '{"1":493,"big":12345678901234567890,"d":"2001-12-14","nothing":null,"true":true}',
    );
  });
  it('reports syntax errors with libyaml wording', () => {
    expect(() => call('yaml.unmarshal', '[1,2,3')).toThrow("yaml.unmarshal: yaml: line 1: did not find expected ',' or ']'");
  });
  it('validates documents', () => {
    expect(call('yaml.is_valid', 'foo:\n - qux: bar\n - baz: 2')).toBe(true);
    expect(call('yaml.is_valid', 'foo:\n - qux: bar\n - baz: {')).toBe(false);
    expect(call('yaml.is_valid', '{"json": "ok"}')).toBe(true);
    expect(call('yaml.is_valid', 1)).toBe(false);
  });
});
