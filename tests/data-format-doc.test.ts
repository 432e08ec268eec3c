import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IMPORT_PROBLEM_CODES, AUDITEE_STATUSES, CONSENT_VALUES, GENDERS } from '../server/protocol/registry';
import { findTextFault } from '../server/protocol/text-rules';
import { rosterHash, type AuditeeRow, type ContactRow } from '../server/registry/canonical';
import {
  AUDITEE_HEADERS,
  CONTACT_HEADERS,
  VISIT_HEADERS,
  GRID_HEADERS,
  recogniseHeader,
  REQUIRED_FIELDS,
} from '../server/registry/import/file-kinds';
import { importRosterFiles } from '../server/registry/import/import-files';
import { ImportRejectedError } from '../server/registry/import/roster-import';
import { cleanConsent, cleanGender, cleanStatus, cleanText } from '../server/registry/normalize';
import { cleanPhone, COUNTRY_PREFIXES, LANDLINE, MOBILE } from '../server/registry/phone';
import { BUILTIN_PROGRAMS, ensureBuiltinPrograms } from '../server/registry/programs';
import { TEMPLATE_KINDS, templateHeaders } from '../server/registry/templates';
import { openDatabase, type Db } from '../server/store/db';
import {
  CADRE_HEADER,
  cadreRows,
  csvBytes,
  GRID_HEADER,
  GRID_ROWS,
  HOUSEHOLD_HEADER,
  householdRows,
  tempDir,
  writeTemp,
} from './helpers/roster-fixture';

/**
 * docs/data-format.md is the spec a stranger re-implements the roster hash from. Its tables are
 * parsed here and held against the code both ways, so a header, a word, a problem code or a trimmed
 * character cannot be added on one side only; and the phone rule is tested on many written forms of
 * one phone, down to the roster hash.
 */
const doc = readFileSync(join(import.meta.dirname, '..', 'docs', 'data-format.md'), 'utf8');

/** The table rows (cells trimmed) of the markdown table whose header row starts with `firstHeader`. */
function table(firstHeader: string): string[][] {
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^\\| ${firstHeader} +\\|`, 'u').test(l));
  expect(start, `a table headed ${firstHeader}`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    );
  }
  return rows;
}

/** The backticked items of a cell: `a`, `b` → [a, b]. */
function ticked(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/gu)].map((m) => m[1] ?? '');
}

/** Code points named in a text as U+XXXX or U+XXXX–U+YYYY. */
function codePoints(text: string): Set<number> {
  const points = new Set<number>();
  for (const [, from, to] of text.matchAll(/U\+([0-9A-F]{4,5})(?:–U\+([0-9A-F]{4,5}))?/gu)) {
    const first = parseInt(from ?? '', 16);
    for (let c = first; c <= parseInt(to ?? from ?? '', 16); c += 1) points.add(c);
  }
  return points;
}

function paragraph(startsWith: string): string {
  const at = doc.indexOf(startsWith);
  expect(at, startsWith).toBeGreaterThanOrEqual(0);
  return doc.slice(at, doc.indexOf('\n\n', at));
}

const BMP = Array.from({ length: 0x10000 }, (_, c) => c).filter((c) => c < 0xd800 || c > 0xdfff);
const sorted = (set: Iterable<number>) => [...set].sort((a, b) => a - b);

describe('docs/data-format.md holds the import as the code has it', () => {
  it('lists every accepted header of every field of every file kind, and no other, with what is required', () => {
    const kinds = [
      ['grid', GRID_HEADERS, REQUIRED_FIELDS.grid],
      ['auditees', AUDITEE_HEADERS, REQUIRED_FIELDS.auditees],
      ['contacts', CONTACT_HEADERS, REQUIRED_FIELDS.contacts],
      ['visits', VISIT_HEADERS, REQUIRED_FIELDS.visits],
    ] as const;
    const rows = table('file');
    const listed = new Map<string, { required: boolean; headers: string[] }>();
    for (const [file, field, required, headers] of rows) {
      const kind = /\((grid|auditees|contacts|visits)\)/u.exec(file ?? '')?.[1];
      listed.set(`${kind}.${ticked(field ?? '')[0]}`, { required: required === 'yes', headers: ticked(headers ?? '') });
    }
    let count = 0;
    for (const [kind, fields, required] of kinds) {
      for (const [field, headers] of Object.entries(fields)) {
        const entry = listed.get(`${kind}.${field}`);
        expect(entry?.headers, `${kind}.${field}`).toEqual(headers);
        expect(entry?.required, `${kind}.${field} required`).toBe(required.some((r) => r === field));
        count += 1;
      }
    }
    expect(listed.size).toBe(count);
    expect(count).toBe(30);
  });

  it("lists every program's template headers, and every template is read as its kind with every column known", () => {
    const rows = table('program');
    const label = { grid: '网格表', auditees: '人员名单', contacts: '联系对象名单', visits: '走访记录' } as const;
    expect(rows).toHaveLength(BUILTIN_PROGRAMS.length * TEMPLATE_KINDS.length);
    for (const program of BUILTIN_PROGRAMS) {
      for (const kind of TEMPLATE_KINDS) {
        const headers = templateHeaders(program, kind);
        const row = rows.find(([p, file]) => ticked(p ?? '')[0] === program.code && file === label[kind]);
        expect(ticked(row?.[2] ?? ''), `${program.code} ${kind}`).toEqual(headers);
        // The medic program's contact template wrote 联系医护人员编号, which no alias knew: its own
        // template was refused with MISSING_COLUMN.
        const mapping = recogniseHeader(headers);
        expect(mapping?.kind, `${program.code} ${kind}`).toBe(kind);
        expect(mapping?.unknown, `${program.code} ${kind}`).toEqual([]);
        expect(mapping?.repeated).toEqual([]);
        expect(mapping?.columns.size, `${program.code} ${kind}`).toBe(headers.length);
        expect([...(mapping?.columns.keys() ?? [])]).toEqual(expect.arrayContaining([...REQUIRED_FIELDS[kind]]));
      }
    }
  });

  it('lists every accepted word of every fixed vocabulary, what an empty cell becomes, and nothing else is read', () => {
    const rows = table('column');
    const vocabularies = {
      gender: { words: GENDERS.filter(Boolean), clean: cleanGender, empty: '' },
      status: { words: AUDITEE_STATUSES, clean: cleanStatus, empty: '在岗' },
      consent: { words: CONSENT_VALUES, clean: cleanConsent, empty: '未知' },
    } as const;
    expect(rows).toHaveLength(3);
    for (const [, field, words, empty] of rows) {
      const vocabulary = Object.entries(vocabularies).find(([name]) => name === ticked(field ?? '')[0])?.[1];
      if (vocabulary === undefined) throw new Error(`no vocabulary ${field}`);
      expect(ticked(words ?? '')).toEqual([...vocabulary.words]);
      expect(ticked(empty ?? '')[0] ?? '').toBe(vocabulary.empty);
      expect(vocabulary.clean('')).toBe(vocabulary.empty);
      for (const word of vocabulary.words) expect(vocabulary.clean(`\u3000${word} `)).toBe(word);
    }
    // The near words the doc names are refused, not guessed.
    for (const near of ['M', 'F', 'male', 'm', '男性', 'Ｍ']) expect(cleanGender(near), near).toBeUndefined();
    for (const near of ['休假', '在职']) expect(cleanStatus(near), near).toBeUndefined();
    for (const near of ['是', '1', 'yes']) expect(cleanConsent(near), near).toBeUndefined();
  });

  it('lists every import problem code, and no other', () => {
    const listed = table('code').map(([code]) => ticked(code ?? '')[0]);
    expect(new Set(listed)).toEqual(new Set(IMPORT_PROBLEM_CODES));
    expect(listed).toHaveLength(IMPORT_PROBLEM_CODES.length);
  });

  it('names WS exactly: the characters cleanText trims at the edges, JavaScript’s trim and \\s', () => {
    const ws = codePoints(paragraph('WS, the whitespace set'));
    const trimmed = BMP.filter((c) => cleanText(`${String.fromCharCode(c)}甲${String.fromCharCode(c)}`) === '甲');
    expect(sorted(ws)).toEqual(trimmed);
    expect(trimmed).toEqual(BMP.filter((c) => /\s/u.test(String.fromCharCode(c))));
    expect(trimmed).toEqual(BMP.filter((c) => String.fromCharCode(c).trim() === ''));
    expect(ws.size).toBe(25);
  });

  it('names the trimmed characters that survive the refusals, and the refused ones, exactly', () => {
    const step = paragraph('3. **Trimming**');
    const [refusedPart, keptPart] = step.split('so in a file that imports');
    const refused = BMP.filter(
      (c) => /\s/u.test(String.fromCharCode(c)) && findTextFault(String.fromCharCode(c)) !== null,
    );
    const kept = BMP.filter(
      (c) => /\s/u.test(String.fromCharCode(c)) && findTextFault(String.fromCharCode(c)) === null,
    );
    expect(sorted(codePoints(refusedPart ?? ''))).toEqual(refused);
    expect(sorted(codePoints(keptPart ?? ''))).toEqual(kept);
    expect(kept).toContain(0xa0);
    expect(refused).toContain(0x09);
  });

  it('states the phone rule as the code has it: prefixes, patterns and every separator', () => {
    for (const prefix of COUNTRY_PREFIXES) expect(doc).toContain(`\`${prefix}\``);
    expect(doc).toContain(`\`${MOBILE.source}\``);
    expect(doc).toContain(`\`${LANDLINE.source}\``);
    // A character between the area code and the local number is accepted exactly when the doc calls
    // it a separator (WS, the dash forms, the four brackets). Digits would change the number.
    const separators = new Set([
      ...codePoints(paragraph('WS, the whitespace set')),
      ...codePoints(paragraph('2. Every separator')),
    ]);
    for (const bracket of '()（）') separators.add(bracket.charCodeAt(0));
    const accepted = BMP.filter((c) => !/[0-9\uff10-\uff19]/u.test(String.fromCharCode(c))).filter(
      (c) => cleanPhone(`0539${String.fromCharCode(c)}2251234`).ok,
    );
    expect(accepted).toEqual(sorted(separators));
  });

  it('names every program by its code and name, as the roster hash writes the code', () => {
    const line = paragraph('- Program codes:');
    const named = [...line.matchAll(/`([a-z-]+)` \(([^)]+)\)/gu)].map((m) => [m[1], m[2]]);
    expect(named).toEqual(BUILTIN_PROGRAMS.map((p) => [p.code, p.name]));
  });

  it("gives the doc's phone examples exactly", () => {
    const rows = table('written');
    expect(rows.length).toBeGreaterThanOrEqual(4);
    let examples = 0;
    for (const [written, stored] of rows) {
      for (const form of ticked(written ?? '')) {
        const expected = stored === 'refused' ? { ok: false } : { ok: true, phone: ticked(stored ?? '')[0] };
        expect(cleanPhone(form), form).toEqual(expected);
        examples += 1;
      }
    }
    expect(examples).toBeGreaterThan(20);
  });
});

/** A small deterministic generator (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DASHES: [string, ...string[]] = [
  '-',
  '\u2010',
  '\u2011',
  '\u2012',
  '\u2013',
  '\u2014',
  '\u2015',
  '\u2212',
  '\ufe63',
  '\uff0d',
];
const SPACES: [string, ...string[]] = [' ', '\u00a0', '\u3000', '\u2002', '\u202f'];

/** One phone: its digits as a mobile or as area code + local number, and its stored form. */
interface Phone {
  area: string;
  local: string;
  stored: string;
}

function randomPhone(next: () => number): Phone {
  const digits = (n: number) => Array.from({ length: n }, () => String(Math.floor(next() * 10))).join('');
  if (next() < 0.4) {
    const mobile = `1${digits(10)}`;
    return { area: '', local: mobile, stored: mobile };
  }
  const area =
    next() < 0.3 ? (next() < 0.3 ? '010' : `02${digits(1)}`) : `0${String(3 + Math.floor(next() * 7))}${digits(2)}`;
  const local = digits(next() < 0.5 ? 7 : 8);
  return { area, local, stored: `${area}-${local}` };
}

/** One way a clerk might write the phone: grouping, separators, brackets, prefixes, full-width digits, edge spaces. */
function writtenForm(phone: Phone, next: () => number): string {
  const pick = <T>(items: readonly [T, ...T[]]): T => items[Math.floor(next() * items.length)] ?? items[0];
  const separator = () => (next() < 0.5 ? '' : next() < 0.5 ? pick(DASHES) : pick(SPACES));
  const group = (text: string) => {
    let out = '';
    for (const [i, ch] of [...text].entries()) out += (i > 0 && next() < 0.2 ? separator() : '') + ch;
    return out;
  };
  let text: string;
  if (phone.area === '') text = group(phone.local);
  else {
    const international = next() < 0.3;
    const area = international && next() < 0.6 ? phone.area.slice(1) : phone.area; // +86 539 … drops the trunk 0
    const areaText = next() < 0.3 ? pick(['(', '（']) + area + pick([')', '）']) : group(area);
    text =
      (international ? pick(['+86', '0086', '＋86', '+86 ']) + separator() : '') +
      areaText +
      separator() +
      group(phone.local);
  }
  if (phone.area === '' && next() < 0.3) text = pick(['+86', '0086', '+86 ', '0086-', '＋８６']) + text;
  text = [...text]
    .map((ch) => (/\d/u.test(ch) && next() < 0.2 ? String.fromCharCode(ch.charCodeAt(0) + 0xfee0) : ch))
    .join('');
  return (next() < 0.2 ? pick(SPACES) : '') + text + (next() < 0.2 ? pick(SPACES) : '');
}

describe('one phone, one stored form', () => {
  it('stores every written form of a phone alike (3,000 phones × 8 written forms)', () => {
    const next = random(18);
    for (let i = 0; i < 3_000; i += 1) {
      const phone = randomPhone(next);
      for (let j = 0; j < 8; j += 1) {
        const form = writtenForm(phone, next);
        expect(cleanPhone(form), JSON.stringify(form)).toEqual({ ok: true, phone: phone.stored });
      }
      // The stored form is a fixed point: reading it again gives it back.
      expect(cleanPhone(phone.stored)).toEqual({ ok: true, phone: phone.stored });
    }
  });

  it('refuses what is no phone rather than guessing digits', () => {
    for (const bad of [
      '0539-225123',
      '0539-225123456',
      '0138-00138000',
      '0012345678',
      '1381234567',
      '0539-2251234转801',
      '0539-2251234 ext 801',
      '86 13800138000',
      '+1 2025550100',
      '0539-2251234+',
      '13800138000/13900139000',
    ]) {
      expect(cleanPhone(bad), bad).toEqual({ ok: false });
    }
  });
});

describe('the roster hash sees one form per phone and per trimmed cell, through a real import', () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = tempDir();
    db = openDatabase(join(dir, 'test.db'));
    ensureBuiltinPrograms(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const options = { programCode: 'cadre-household', actor: 'tester', now: '2026-12-02T08:00:00.000Z' };
  let seq = 0;
  async function importCsv(cadres: string[][], households: string[][]) {
    seq += 1;
    const files = [
      ['grid.csv', csvBytes(GRID_HEADER, GRID_ROWS)],
      ['cadres.csv', csvBytes(CADRE_HEADER, cadres)],
      ['households.csv', csvBytes(HOUSEHOLD_HEADER, households)],
    ] as const;
    return importRosterFiles(
      db,
      files.map(([name, content]) => ({ path: writeTemp(dir, `${seq}-${name}`, content), name })),
      options,
    );
  }
  async function rejection(promise: Promise<unknown>): Promise<ImportRejectedError> {
    try {
      await promise;
    } catch (error) {
      if (error instanceof ImportRejectedError) return error;
      throw error;
    }
    throw new Error('the import was accepted');
  }

  /** The hash from the doc's canonical form over the fixture, with the given phone for household 10001. */
  function expectedHash(phone: string): string {
    const auditees = cadreRows().map((row): AuditeeRow => {
      const [number = '', name = '', gender = '', unit = '', industry = '', post = '', town = ''] = row;
      const [area = '', village = '', p = '', status = ''] = row.slice(7);
      return { number, name, gender, unit, industry, post, town, area, village, phone: p, status };
    });
    const contacts = householdRows().map((row): ContactRow => {
      const [number = '', name = '', town = '', area = '', village = '', p = '', auditeeNumber = '', consent = ''] =
        row;
      return { number, name, town, area, village, phone: number === '10001' ? phone : p, auditeeNumber, consent };
    });
    return rosterHash('cadre-household', auditees, contacts);
  }

  it('gives one roster hash for a landline however it is written (before: 0539-2251234 and 0539 2251234 gave two)', async () => {
    const next = random(7);
    const phone = { area: '0539', local: '2251234', stored: '0539-2251234' };
    const forms = [
      '0539-2251234',
      '0539 2251234',
      '(0539)2251234',
      '+86 539 2251234',
      ...Array.from({ length: 6 }, () => writtenForm(phone, next)),
    ];
    const hashes = new Set<string>();
    for (const form of forms) {
      const households = householdRows().map((row) =>
        row[0] === '10001' ? row.map((c, i) => (i === 5 ? form : c)) : row,
      );
      const result = await importCsv(cadreRows(), households);
      hashes.add(result.version?.hash ?? '');
      // The first import creates the version; every other form of the same phone is the same roster.
      expect(result.status, form).toBe(form === forms[0] ? 'created' : 'unchanged');
    }
    expect([...hashes]).toEqual([expectedHash('0539-2251234')]);
    expect(db.prepare("SELECT phone FROM contacts WHERE number = '10001'").pluck().all()).toEqual(['0539-2251234']);
  });

  it('trims U+00A0 and U+3000 at a cell’s edges, and refuses a TAB there (REFUSED_CHARACTER), as the doc says', async () => {
    const padded = cadreRows().map((row, r) => (r === 0 ? row.map((c, i) => (i === 1 ? `\u00a0${c}\u3000` : c)) : row));
    const result = await importCsv(padded, householdRows());
    expect(result.version?.hash).toBe(expectedHash('10000000001'));
    const tabbed = cadreRows().map((row, r) => (r === 0 ? row.map((c, i) => (i === 3 ? `${c}\t` : c)) : row));
    const refused = await rejection(importCsv(tabbed, householdRows()));
    expect(refused.problems.map((p) => [p.code, p.row, p.column])).toEqual([['REFUSED_CHARACTER', 2, '单位']]);
  });

  it('skips blank rows only: empty, `,,,` and WS-only rows; a row with some cells filled is checked', async () => {
    const blank = CADRE_HEADER.map(() => '');
    const spaces = CADRE_HEADER.map((_, i) => (i % 2 === 0 ? '\u3000' : ' \u00a0'));
    const cadres = [blank, ...cadreRows().slice(0, 2), spaces, ...cadreRows().slice(2), blank];
    const result = await importCsv(cadres, householdRows());
    expect(result.files.find((f) => f.kind === 'auditees')?.rows).toBe(4);
    expect(result.version?.hash).toBe(expectedHash('10000000001'));
    const partial = CADRE_HEADER.map((_, i) => (i === 6 ? '城关街道' : ''));
    const refused = await rejection(importCsv([...cadreRows(), partial], householdRows()));
    expect(refused.problems.map((p) => [p.code, p.row, p.column])).toEqual([
      ['MISSING_FIELD', 6, '干部编号'],
      ['MISSING_FIELD', 6, '姓名'],
      ['MISSING_FIELD', 6, '单位'],
    ]);
  });
});
