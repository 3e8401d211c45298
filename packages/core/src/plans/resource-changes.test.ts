import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DecryptionError, SecretBox } from '../crypto/secret-box.ts';
import { openResourceChanges, sealResourceChanges, type ResourceChange } from './resource-changes.ts';

const box = new SecretBox(randomBytes(32));
const changes: ResourceChange[] = [
  { address: 'aws_instance.web', action: 'create', actions: ['create'], before: null, after: { ami: 'ami-123', private_ip: '10.1.2.3' }, afterUnknown: { id: true } },
  { address: 'aws_db.main', actions: ['update'], before: { password: '(sensitive)' }, after: { password: '(sensitive)' } },
];

describe('resource changes at rest', () => {
  it('round-trips, keeping afterUnknown (and giving {} where it was missing)', () => {
    const sealed = sealResourceChanges(box, 'acc', 'run', changes);
    expect(openResourceChanges(box, 'acc', 'run', sealed)).toEqual([changes[0], { ...changes[1], afterUnknown: {} }]);
    expect(openResourceChanges(box, 'acc', 'run', null)).toBeNull();
  });

  it('is not readable in the stored bytes', () => {
    const sealed = Buffer.from(sealResourceChanges(box, 'acc', 'run', changes));
    for (const plain of ['10.1.2.3', 'ami-123', 'aws_instance.web']) expect(sealed.includes(Buffer.from(plain))).toBe(false);
  });

  it('does not open for another run, another account or another key', () => {
    const sealed = sealResourceChanges(box, 'acc', 'run', changes);
    expect(() => openResourceChanges(box, 'acc', 'other-run', sealed)).toThrow(DecryptionError);
    expect(() => openResourceChanges(box, 'other-acc', 'run', sealed)).toThrow(DecryptionError);
    expect(() => openResourceChanges(new SecretBox(randomBytes(32)), 'acc', 'run', sealed)).toThrow(DecryptionError);
  });
});
