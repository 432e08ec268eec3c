import { describe, expect, it } from 'vitest';
import { recogniseHeader, REQUIRED_FIELDS } from './import/file-kinds';
import { TEMPLATE_KINDS, templateHeaders } from './templates';

describe('templates of a program an administrator defined', () => {
  it('use the program’s words the import knows, and general headers for the others, so they import', () => {
    const program = {
      code: 'grid-visit',
      name: '网格员走访',
      auditeeLabel: '网格员',
      contactLabel: '居民',
      unitLabel: '社区',
    };
    expect(templateHeaders(program, 'auditees').slice(0, 4)).toEqual(['人员编号', '姓名', '性别', '单位']);
    expect(templateHeaders(program, 'contacts')).toEqual([
      '联系人编号',
      '姓名',
      '乡镇',
      '工作片',
      '村',
      '手机号',
      '联系人员编号',
      '同意上镜',
    ]);
    const teachers = { ...program, auditeeLabel: '教师', contactLabel: '家长', unitLabel: '学校' };
    expect(templateHeaders(teachers, 'contacts')[6]).toBe('联系教师编号');
    for (const labels of [program, teachers]) {
      for (const kind of TEMPLATE_KINDS) {
        const headers = templateHeaders(labels, kind);
        const mapping = recogniseHeader(headers);
        expect(mapping?.kind).toBe(kind);
        expect(mapping?.unknown).toEqual([]);
        expect([...(mapping?.columns.keys() ?? [])]).toEqual(expect.arrayContaining([...REQUIRED_FIELDS[kind]]));
      }
    }
  });
});
