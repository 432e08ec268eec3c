import type { ProgramLabels as Program } from './programs';
import { csvLine, UTF8_BOM } from './export/csv-writer';
import { AUDITEE_HEADERS, CONTACT_HEADERS, normaliseHeader, VISIT_HEADERS, type FileKind } from './import/file-kinds';

export const TEMPLATE_KINDS = ['grid', 'auditees', 'contacts', 'visits'] as const;

/** The program's own word for a column when the import knows it, else the general one. */
const known = (aliases: readonly string[], own: string, general: string) =>
  aliases.some((a) => normaliseHeader(a) === normaliseHeader(own)) ? own : general;

/**
 * Header rows of the templates, in the program's own words (教师编号, 家长姓名, …) where the import
 * reads them; a program an administrator defined with other words (网格员, 居民) gets the general
 * headers (人员编号, 联系人编号, 联系人员编号), so its own template always imports.
 */
export function templateHeaders(program: Program, kind: FileKind): string[] {
  const auditee = program.auditeeLabel;
  const contact = program.contactLabel;
  switch (kind) {
    case 'grid':
      return ['乡镇', '工作片', '村', '负责人', '负责人职务'];
    case 'auditees':
      return [
        known(AUDITEE_HEADERS.number, `${auditee}编号`, '人员编号'),
        '姓名',
        '性别',
        known(AUDITEE_HEADERS.unit, program.unitLabel, '单位'),
        '行业',
        '职务',
        '乡镇',
        '工作片',
        '村',
        '手机号',
        '状态',
      ];
    case 'contacts':
      return [
        known(CONTACT_HEADERS.number, `${contact}编号`, '联系人编号'),
        contact === '户' ? '户主姓名' : known(CONTACT_HEADERS.name, `${contact}姓名`, '姓名'),
        '乡镇',
        '工作片',
        '村',
        '手机号',
        known(CONTACT_HEADERS.auditeeNumber, `联系${auditee}编号`, '联系人员编号'),
        '同意上镜',
      ];
    case 'visits':
      return [
        known(VISIT_HEADERS.contactNumber, `${contact}编号`, '联系人编号'),
        '日期',
        '类别',
        '诉求内容',
        '办理情况',
        '办理状态',
      ];
  }
}

const NOTES: Record<FileKind, string[]> = {
  grid: [
    '每行定义一个网格单元：只填乡镇 = 乡镇；填乡镇和工作片 = 工作片；三项都填 = 村。',
    '负责人：该网格的包片领导或责任干部。',
  ],
  auditees: [
    '编号为文本，可含前导零（如 00012），不可重复；只能由数字、字母、- 和 _ 组成。',
    '乡镇 / 工作片 / 村 必须是网格表中已有的名称。',
    '性别：男 或 女，可留空。',
    '状态：只接受 在岗、请假、出差、离岗 这四个词（留空视为在岗）；休假、在职 等其他写法会被拒绝并指出行号。',
    '手机号：11 位手机号或带区号的固定电话。',
  ],
  contacts: [
    '编号为文本，不可重复；联系人员编号必须存在于人员名单中。',
    '同意上镜：只接受 同意、不同意、未知（留空视为未知）；是、否、1 等其他写法会被拒绝。不同意上镜的不会被抽中直播连线。',
    '没有电话的可以留空，但不会被抽中电话核实。',
  ],
  visits: [
    `每行一条走访或诉求记录；编号必须存在于名册的联系对象名单中（同一编号可有多行）。`,
    '日期：写成 2026-03-05（也接受 2026/3/5、2026年3月5日），不能晚于导入当天。',
    '类别：只接受 走访 或 诉求。',
    '诉求内容：群众反映的问题（诉求必填，走访可写走访内容或留空），最长 200 字；不能换行。',
    '办理情况：干部记录的办理经过和结果，最长 200 字。',
    '办理状态：只接受 已解决、办理中、未解决；诉求必填，走访可留空。',
    '每次导入生成新的走访记录版本，已生成的版本不能修改；封存抽查活动时记录所用版本及其哈希。',
  ],
};

export function templateCsv(program: Program, kind: FileKind): Buffer {
  return Buffer.from(UTF8_BOM + csvLine(templateHeaders(program, kind)), 'utf8');
}

export async function templateXlsx(program: Program, kind: FileKind): Promise<Buffer> {
  // Loaded when a workbook is made: at the top it would cost every server start a fifth of a second.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'choucha';
  const sheet = workbook.addWorksheet(program.name);
  const headers = templateHeaders(program, kind);
  sheet.addRow(headers);
  sheet.getRow(1).font = { bold: true };
  headers.forEach((header, index) => {
    const column = sheet.getColumn(index + 1);
    column.width = Math.max(10, header.length * 2 + 4);
    // Text format keeps leading zeros of numbers and long phone numbers exact.
    column.numFmt = '@';
  });
  const notes = workbook.addWorksheet('填写说明');
  NOTES[kind].forEach((line) => notes.addRow([line]));
  notes.getColumn(1).width = 90;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
