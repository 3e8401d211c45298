import { describe, expect, it } from 'vitest';
import { invitationUrl, roleLabel, ROLE_OPTIONS } from './members.ts';

describe('members helpers', () => {
  it('builds the invitation link on the address Gantry is used at', () => {
    expect(invitationUrl('https://gantry.example.com', 'abc_DEF-123')).toBe('https://gantry.example.com/invite/abc_DEF-123');
    expect(invitationUrl('http://127.0.0.1:3000/', 'tok')).toBe('http://127.0.0.1:3000/invite/tok');
  });

  it('names every role, most powerful first', () => {
    expect(ROLE_OPTIONS.map((o) => o.role)).toEqual(['ADMIN', 'WRITER', 'READER']);
    expect(roleLabel('WRITER')).toBe('Writer');
  });
});
