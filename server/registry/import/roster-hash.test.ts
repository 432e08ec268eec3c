import { describe, expect, it } from 'vitest';
import {
  AUDITEE_FIELDS,
  canonicalLine,
  CONTACT_FIELDS,
  rosterHash,
  type AuditeeRow,
  type ContactRow,
} from '../canonical';
import { ImportRosterHash } from './roster-hash';

const auditee = (number: string): AuditeeRow => ({
  number,
  name: '张三',
  gender: '男',
  unit: '县财政局',
  industry: '',
  post: '',
  town: '城关街道',
  area: '',
  village: '',
  phone: '',
  status: '在岗',
});
const contact = (number: string, auditeeNumber: string): ContactRow => ({
  number,
  name: '李四',
  town: '城关街道',
  area: '东片',
  village: '东岭社区',
  phone: '',
  auditeeNumber,
  consent: '同意',
});

/** Feeds the rows in the order given, in batches of two lines, as the section loop does. */
function importHash(auditees: AuditeeRow[], contacts: ContactRow[]): string | undefined {
  const hash = new ImportRosterHash('p');
  const feed = (lines: string[]) => {
    for (let at = 0; at < lines.length; at += 2) hash.lines(lines.slice(at, at + 2).join(''));
    hash.endSection(lines.every((line, i) => i === 0 || line > (lines[i - 1] as string)));
  };
  hash.begin('auditees');
  feed(auditees.map((r) => canonicalLine(AUDITEE_FIELDS.map((f) => r[f]))));
  hash.begin('contacts');
  feed(contacts.map((r) => canonicalLine(CONTACT_FIELDS.map((f) => r[f]))));
  return hash.result()?.hash;
}

describe('ImportRosterHash', () => {
  const auditees = ['003', '010', '9'].map(auditee);
  const contacts = [contact('1', '003'), contact('2', '9'), contact('20', '010')];

  it('gives the canonical roster hash for rows in number order and out of it', () => {
    const expected = rosterHash('p', auditees, contacts);
    expect(importHash(auditees, contacts)).toBe(expected);
    expect(importHash([...auditees].reverse(), contacts)).toBe(expected);
    expect(importHash(auditees, [...contacts].reverse())).toBe(expected);
  });

  it('gives no result when a part is carried over from the previous version', () => {
    const hash = new ImportRosterHash('p');
    hash.carriedOver();
    hash.begin('auditees');
    hash.lines(canonicalLine(AUDITEE_FIELDS.map((f) => auditee('1')[f])));
    hash.endSection(true);
    expect(hash.result()).toBeUndefined();
  });
});
