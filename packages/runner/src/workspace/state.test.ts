import { describe, expect, it } from 'vitest';
import { outputsFromState } from './state.ts';

const state = (document: unknown) => Buffer.from(JSON.stringify(document));

describe('outputsFromState', () => {
  it('reads outputs as `output -json` prints them, sensitive flag defaulting to false', () => {
    expect(
      outputsFromState(
        state({
          version: 4,
          terraform_version: '1.6.2',
          outputs: {
            name: { value: 'web', type: 'string' },
            token: { value: 's3cret', type: 'string', sensitive: true },
            tags: { value: { a: 1 }, type: ['object', { a: 'number' }] },
          },
          resources: [],
        }),
      ),
    ).toEqual({
      name: { value: 'web', sensitive: false, type: 'string' },
      token: { value: 's3cret', sensitive: true, type: 'string' },
      tags: { value: { a: 1 }, sensitive: false, type: ['object', { a: 'number' }] },
    });
    expect(outputsFromState(state({ version: 4, resources: [] }))).toEqual({});
  });

  it('says null (ask the vendor) for anything that is not a readable version 4 state', () => {
    expect(outputsFromState(null)).toBeNull();
    expect(outputsFromState(Buffer.from('not json'))).toBeNull();
    expect(outputsFromState(state({ version: 3, outputs: {} }))).toBeNull();
    expect(outputsFromState(state({ meta: {}, encrypted_data: 'abc', encryption_version: 'v0' }))).toBeNull();
    expect(outputsFromState(state({ version: 4, outputs: [] }))).toBeNull();
    expect(outputsFromState(state({ version: 4, outputs: { x: { type: 'string' } } }))).toBeNull();
  });
});
