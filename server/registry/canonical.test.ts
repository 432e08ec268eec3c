import { describe, expect, it } from 'vitest';
import { canonicalLine, compareUtf8, rosterHash, type AuditeeRow, type ContactRow } from './canonical';

const auditee = (number: string, name: string): AuditeeRow => ({
  number,
  name,
  gender: '男',
  unit: '县财政局',
  industry: '经济管理',
  post: '科员',
  town: '城关街道',
  area: '东片',
  village: '东岭社区',
  phone: '10012345678',
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

describe('canonical roster hash', () => {
  it('joins fields with U+001F and ends rows with LF', () => {
    expect(canonicalLine(['a', '王', ''])).toBe('a\u001f王\u001f\n');
  });

  it('orders numbers by UTF-8 bytes, so 10 sorts before 9 and leading zeros count', () => {
    expect(['9', '10', '010', 'A1'].sort(compareUtf8)).toEqual(['010', '10', '9', 'A1']);
  });

  it('is the same in any row order', () => {
    const a = [auditee('00002', '王五'), auditee('00001', '张三')];
    const c = [contact('002', '00001'), contact('001', '00002')];
    expect(rosterHash('p', a, c)).toBe(rosterHash('p', [...a].reverse(), [...c].reverse()));
  });

  it('changes with any field, the program, or a row moving between sections', () => {
    const base = rosterHash('p', [auditee('00001', '张三')], [contact('001', '00001')]);
    expect(rosterHash('q', [auditee('00001', '张三')], [contact('001', '00001')])).not.toBe(base);
    expect(rosterHash('p', [auditee('00001', '张叁')], [contact('001', '00001')])).not.toBe(base);
    expect(rosterHash('p', [auditee('0001', '张三')], [contact('001', '00001')])).not.toBe(base);
  });

  // Computed independently by the Python snippet in docs/data-format.md.
  it('matches the fixed vector documented in docs/data-format.md', () => {
    expect(rosterHash('cadre-household', [auditee('00001', '张三')], [contact('0000001', '00001')])).toBe(
      '2f7613f7fecee49604c9ee140a01e300369b47467ce7ca687a29306bd9b56fb7',
    );
  });
});
