/**
 * What a roster file holds, told by its header row, and which column is which field.
 * Recognises the usual Chinese headers of each program and English aliases.
 */
export type { FileKind } from '../../protocol/registry';

export type AuditeeField =
  'number' | 'name' | 'gender' | 'unit' | 'industry' | 'post' | 'town' | 'area' | 'village' | 'phone' | 'status';
export type ContactField = 'number' | 'name' | 'town' | 'area' | 'village' | 'phone' | 'auditeeNumber' | 'consent';
export type GridField = 'town' | 'area' | 'village' | 'leader' | 'leaderPost';
export type VisitField = 'contactNumber' | 'date' | 'kind' | 'asked' | 'done' | 'status';

const GRID_PLACE_ALIASES = {
  town: ['乡镇', '乡镇街道', '乡镇(街道)', '镇街', '街道', '镇', 'town', 'township'],
  area: ['工作片', '片区', '管区', '工作片区', 'area', 'zone'],
  village: ['村', '村居', '村(居)', '村(社区)', '社区', '村社区', '行政村', 'village'],
} as const;

const PHONE_ALIASES = ['手机号', '手机', '手机号码', '联系电话', '电话', '电话号码', 'phone', 'mobile', 'tel'];

export const AUDITEE_HEADERS: Record<AuditeeField, readonly string[]> = {
  number: [
    '干部编号',
    '教师编号',
    '医护编号',
    '医护人员编号',
    '人员编号',
    '编号',
    '工号',
    'auditeeno',
    'auditee_no',
    'cadreno',
    'cadre_no',
    'number',
    'id',
  ],
  name: ['姓名', '干部姓名', '教师姓名', '医护人员姓名', 'name'],
  gender: ['性别', 'gender', 'sex'],
  unit: ['单位', '工作单位', '所在单位', '学校', '医疗机构', '科室', 'unit', 'org', 'organization'],
  industry: ['行业', '所属行业', '系统', 'industry', 'sector'],
  post: ['职务', '岗位', '职务职级', '职位', 'post', 'title', 'position'],
  ...GRID_PLACE_ALIASES,
  phone: PHONE_ALIASES,
  status: ['状态', '在岗状态', '人员状态', 'status'],
};

export const CONTACT_HEADERS: Record<ContactField, readonly string[]> = {
  number: [
    '户编号',
    '户号',
    '家长编号',
    '患者编号',
    '组员编号',
    '联系人编号',
    '群众编号',
    'householdno',
    'household_no',
    'contactno',
    'contact_no',
  ],
  name: ['户主姓名', '户主', '姓名', '家长姓名', '患者姓名', '组员姓名', 'head', 'name'],
  ...GRID_PLACE_ALIASES,
  phone: PHONE_ALIASES,
  auditeeNumber: [
    '联系干部编号',
    '干部编号',
    '联系教师编号',
    '教师编号',
    '联系医护编号',
    '医护编号',
    // The medic program's own words (its template writes 联系医护人员编号, templates.ts).
    '联系医护人员编号',
    '医护人员编号',
    '联系人员编号',
    '包联干部编号',
    'auditeeno',
    'auditee_no',
    'cadreno',
    'cadre_no',
  ],
  consent: ['同意上镜', '上镜同意', '是否同意上镜', '上镜意愿', 'consent', 'broadcastconsent', 'broadcast_consent'],
};

export const GRID_HEADERS: Record<GridField, readonly string[]> = {
  ...GRID_PLACE_ALIASES,
  leader: ['负责人', '网格负责人', '责任人', '包片领导', 'leader'],
  leaderPost: ['负责人职务', '职务', 'leaderpost', 'leader_post'],
};

/** A visit log (走访记录/民情台账): one row per visit or need, about a contact of the roster. */
export const VISIT_HEADERS: Record<VisitField, readonly string[]> = {
  contactNumber: [...CONTACT_HEADERS.number, '联系对象编号', 'contact'],
  date: ['日期', '走访日期', '记录日期', '登记日期', 'date', 'visitdate', 'visit_date'],
  kind: ['类别', '记录类别', '类型', '记录类型', 'kind', 'type'],
  asked: ['诉求内容', '群众诉求', '反映问题', '民情诉求', '走访内容', 'asked', 'request'],
  done: ['办理情况', '处理情况', '解决情况', '办理结果', 'done', 'action'],
  status: ['办理状态', '状态', '解决状态', 'status'],
};

/** Columns only a visit log has: they tell it from a contact list, which also has 户编号. */
const VISIT_MARKERS = [...VISIT_HEADERS.date, ...VISIT_HEADERS.asked, ...VISIT_HEADERS.done];

export const REQUIRED_FIELDS: {
  auditees: AuditeeField[];
  contacts: ContactField[];
  grid: GridField[];
  visits: VisitField[];
} = {
  auditees: ['number', 'name', 'unit', 'town'],
  contacts: ['number', 'name', 'town', 'village', 'auditeeNumber'],
  grid: ['town'],
  visits: ['contactNumber', 'date', 'kind', 'asked'],
};

/** Header cells compared case- and width-insensitively, without spaces, brackets normalised. */
export function normaliseHeader(cell: string): string {
  return cell
    .normalize('NFKC')
    .replace(/^\ufeff/u, '')
    .replace(/[\s*＊]/gu, '')
    .replace(/（/gu, '(')
    .replace(/）/gu, ')')
    .replace(/\(必填\)|\(选填\)/gu, '')
    .toLowerCase();
}

function mapHeaders<F extends string>(
  header: readonly string[],
  aliases: Record<F, readonly string[]>,
): { columns: Map<F, number>; unknown: string[]; repeated: RepeatedColumn[] } {
  const lookup = new Map<string, F>();
  for (const [field, names] of Object.entries(aliases) as [F, readonly string[]][]) {
    for (const name of names) {
      const key = normaliseHeader(name);
      if (!lookup.has(key)) lookup.set(key, field);
    }
  }
  const columns = new Map<F, number>();
  const unknown: string[] = [];
  const repeated: RepeatedColumn[] = [];
  header.forEach((cell, index) => {
    const key = normaliseHeader(cell);
    if (key === '') return;
    const field = lookup.get(key);
    if (field === undefined) unknown.push(cell);
    else {
      const first = columns.get(field);
      if (first === undefined) columns.set(field, index);
      else repeated.push({ first, second: index });
    }
  });
  return { columns, unknown, repeated };
}

/**
 * Two columns that mean one field (two 姓名, or 编号 beside 干部编号), by 0-based index. The file is
 * refused: which of them holds the data is a guess, and the wrong guess stores the wrong name.
 */
export interface RepeatedColumn {
  first: number;
  second: number;
}

export type HeaderMapping =
  | { kind: 'auditees'; columns: Map<AuditeeField, number>; unknown: string[]; repeated: RepeatedColumn[] }
  | { kind: 'contacts'; columns: Map<ContactField, number>; unknown: string[]; repeated: RepeatedColumn[] }
  | { kind: 'grid'; columns: Map<GridField, number>; unknown: string[]; repeated: RepeatedColumn[] }
  | { kind: 'visits'; columns: Map<VisitField, number>; unknown: string[]; repeated: RepeatedColumn[] };

/** Tells the kind of file from its header row; undefined when it is none of them. */
export function recogniseHeader(header: readonly string[]): HeaderMapping | undefined {
  const keys = new Set(header.map(normaliseHeader));
  const has = (names: readonly string[]) => names.some((n) => keys.has(normaliseHeader(n)));
  if (has(VISIT_MARKERS)) {
    return { kind: 'visits', ...mapHeaders(header, VISIT_HEADERS) };
  }
  const contactOnly = CONTACT_HEADERS.number.filter((n) => !AUDITEE_HEADERS.number.includes(n));
  if (has(contactOnly) || has(['联系干部编号', '同意上镜', '户主姓名', '户主'])) {
    return { kind: 'contacts', ...mapHeaders(header, CONTACT_HEADERS) };
  }
  if (has(AUDITEE_HEADERS.number)) {
    return { kind: 'auditees', ...mapHeaders(header, AUDITEE_HEADERS) };
  }
  if (has(GRID_HEADERS.town)) {
    return { kind: 'grid', ...mapHeaders(header, GRID_HEADERS) };
  }
  return undefined;
}
