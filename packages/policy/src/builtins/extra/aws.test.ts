import { describe, expect, it } from 'vitest';
import { RObject, RSet, fromJSON, type Value } from '../../value.ts';
import { BuiltinTypeError } from '../types.ts';
import { awsBuiltins } from './aws.ts';
import { caller } from './testing.ts';

const call = caller(awsBuiltins);
const obj = (x: Record<string, unknown>) => fromJSON(x) as RObject;
const TS = 1451311705000000000n; // 2015-12-28T14:08:25Z
const config = {
  aws_access_key: 'MYAWSACCESSKEYGOESHERE',
  aws_secret_access_key: 'MYAWSSECRETACCESSKEYGOESHERE',
  aws_service: 's3',
  aws_region: 'us-east-1',
};
const sign = (req: Record<string, unknown>, cfg: Record<string, unknown> = config) =>
  call('providers.aws.sign_req', obj(req), obj(cfg), TS) as RObject;
const headers = (r: RObject) => r.get('headers') as RObject;

describe('providers.aws.sign_req', () => {
  it('signs a bodiless S3 GET (values from OPA test vectors)', () => {
    const out = sign({ method: 'get', url: 'http://example.com' });
    expect(out.get('url')).toBe('http://example.com');
    expect(headers(out).get('Authorization')).toBe(
      'AWS4-HMAC-SHA256 Credential=MYAWSACCESSKEYGOESHERE/20151228/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=0047a7016c81e5c7f29cd522f97e911e04fc472fced0aee7916cbc287ad6c8e3',
    );
    expect(headers(out).get('x-amz-date')).toBe('20151228T140825Z');
    expect(headers(out).get('host')).toBe('example.com');
    expect(headers(out).get('x-amz-content-sha256')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
  it('signs request headers, session tokens and JSON bodies', () => {
    const withHeader = sign({ method: 'get', url: 'http://example.com', headers: { foo: 'bar' } });
    expect(headers(withHeader).get('foo')).toBe('bar');
    expect(String(headers(withHeader).get('Authorization'))).toContain('SignedHeaders=foo;host;x-amz-content-sha256;x-amz-date,Signature=8f1dc7c9b9978356a0d0989fd26a95307f4f8a4aa264d8220647b7097d839952');
    const token = sign({ method: 'get', url: 'http://example.com' }, { ...config, aws_session_token: 'MYAWSSECURITYTOKENGOESHERE' });
    expect(String(headers(token).get('Authorization'))).toContain('Signature=23c31bda8a74630c0a94f6b82a3511e7e74728df98e6f54ed0840488dbbdc8d1');
    const body = RObject.from([['example', RSet.from([1, 2, 3, 4])]]);
    const req = new RObject().set('method', 'get').set('url', 'http://example.com').set('body', body);
    const signed = call('providers.aws.sign_req', req, obj(config), TS) as RObject;
    expect(headers(signed).get('x-amz-content-sha256')).toBe('bacff6243c850423883052ac3c336fd645994442933408dfd3f9e858e69bda07');
    const unsigned = sign({ method: 'get', url: 'https://example.com', headers: { foo: 'bar' } }, { ...config, disable_payload_signing: true });
    expect(headers(unsigned).get('x-amz-content-sha256')).toBe('UNSIGNED-PAYLOAD');
  });
  it('validates operands with OPA messages', () => {
    const err = (req: Record<string, unknown>, cfg: Record<string, unknown>, ts: Value = TS) => {
      try {
        call('providers.aws.sign_req', obj(req), obj(cfg), ts);
      } catch (e) {
        expect(e).toBeInstanceOf(BuiltinTypeError);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(err({}, config)).toBe('providers.aws.sign_req: operand 1 missing required request parameters(s): {"method", "url"}');
    expect(err({ method: 1, url: 'x' }, config)).toBe('providers.aws.sign_req: operand 1 invalid values for required request parameters(s): {"method"}');
    expect(err({ method: 'get', url: 'x' }, { example: 'x' })).toContain('operand 2 missing required AWS config parameters(s): {"aws_access_key", "aws_region", "aws_secret_access_key", "aws_service"}');
    expect(err({ method: 'get', url: 'x' }, { ...config, aws_region: 5 })).toContain('invalid values for required AWS config parameters(s): {"aws_region"}');
    expect(err({ method: 'get', url: 'x' }, { ...config, disable_payload_signing: 'false' })).toContain("invalid value for 'disable_payload_signing'");
    expect(err({ method: 'get', url: 'x' }, config, -1e9)).toContain('operand 3 could not convert time_ns value into a unix timestamp');
  });
});
