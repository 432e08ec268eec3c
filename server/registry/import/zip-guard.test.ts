import { describe, expect, it } from 'vitest';
import { zipBomb } from '../../../tests/helpers/zip-bomb';
import { templateXlsx } from '../templates';
import { BUILTIN_PROGRAMS, type Program } from '../programs';
import { zipBombReason, zipEntries } from './zip-guard';

describe('the zip guard', () => {
  it('reads a real workbook’s directory and lets it through', async () => {
    const workbook = Buffer.from(await templateXlsx(BUILTIN_PROGRAMS[0] as Program, 'auditees'));
    const entries = zipEntries(workbook, workbook.length);
    expect(entries?.map((e) => e.name)).toContain('xl/worksheets/sheet1.xml');
    expect(zipBombReason(entries ?? [])).toBeNull();
  });

  it('refuses an entry that unpacks a thousand times its size', () => {
    const bomb = zipBomb(64);
    expect(bomb.length).toBeLessThan(200_000);
    const entries = zipEntries(bomb, bomb.length) ?? [];
    expect(entries.find((e) => e.name === 'xl/worksheets/sheet1.xml')?.uncompressed).toBe(64 * 1024 * 1024);
    expect(zipBombReason(entries)).toMatch(/压缩比异常/u);
  });

  it('refuses too much in all, ZIP64 sizes and too many entries, and says a broken directory is broken', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({
      name: `x${i}`,
      compressed: 10_000_000,
      uncompressed: 40_000_000,
    }));
    expect(zipBombReason(many)).toMatch(/超过上限/u);
    expect(zipBombReason([{ name: 'a', compressed: 0xffffffff, uncompressed: 0xffffffff }])).toMatch(/4 GB/u);
    expect(
      zipBombReason(Array.from({ length: 10_001 }, () => ({ name: 'a', compressed: 1, uncompressed: 1 }))),
    ).toMatch(/过多/u);
    expect(zipEntries(Buffer.alloc(100, 7), 100)).toBeNull();
  });
});
