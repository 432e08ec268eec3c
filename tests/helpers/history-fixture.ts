import seedrandom from 'seedrandom';
import type { Db } from '../../server/store/db';
import type { AuditRecord } from '../../server/run-of-show/audit-record';
import { canonicalJson } from '../../server/draw-engine/canonical-json';
import { sha256Hex } from '../../server/draw-engine/sha256';

/**
 * A year of audit history for a roster version, as closed rounds would write it: `checks` monthly
 * routine checks of `perCheck` rounds each, plus `shows` televised shows of `perShow` rounds.
 * Deterministic (seedrandom on a SHA-256 hex digest); the records have the shape real closes write.
 */
export function insertHistory(
  db: Db,
  options: { versionId: number; year?: number; checks?: number; perCheck?: number; shows?: number; perShow?: number },
): number {
  const { versionId, year = 2026, checks = 12, perCheck = 50, shows = 4, perShow = 5 } = options;
  const random = seedrandom(sha256Hex(`choucha history fixture ${year}`));
  const cadres = db
    .prepare('SELECT number, town, area, village, unit, industry FROM auditees WHERE version_id = ? ORDER BY number')
    .all(versionId) as {
    number: string;
    town: string;
    area: string;
    village: string;
    unit: string;
    industry: string;
  }[];
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const insert = db.prepare(
    'INSERT INTO audit_history (program_code, auditee_number, audited_on, event_id, mode, result) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const audits: { on: string; event: string; mode: string }[] = [];
  for (let month = 1; month <= 12 && audits.length < checks * perCheck; month += 1) {
    for (let i = 0; i < perCheck && month <= checks; i += 1) {
      audits.push({ on: `${year}-${String(month).padStart(2, '0')}-15`, event: `R${year}${month}`, mode: 'routine' });
    }
  }
  for (let show = 0; show < shows; show += 1) {
    const month = (show % 12) + 1;
    const day = 10 + Math.floor(show / 12);
    for (let i = 0; i < perShow; i += 1) {
      audits.push({
        on: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
        event: `S${year}${show}`,
        mode: 'televised',
      });
    }
  }
  const tiers = [
    ['优秀', 9000],
    ['良好', 8000],
    ['合格', 6000],
    ['不合格', 0],
  ] as const;
  db.transaction(() => {
    for (const [i, audit] of audits.entries()) {
      const cadre = pick(cadres);
      const sampled = 3 + Math.floor(random() * 3);
      const reached = sampled - Math.floor(random() * 2);
      const counted = reached - (random() < 0.2 ? 1 : 0);
      const satisfied = counted - Math.floor(random() * Math.min(2, counted + 1));
      const confirmed = reached - (random() < 0.1 ? 1 : 0);
      const judges = audit.mode === 'televised' ? 7000 + Math.floor(random() * 2500) : null;
      const households = counted === 0 ? null : Math.round((satisfied * 10_000) / counted);
      const combined =
        judges === null ? households : households === null ? judges : Math.round(judges * 0.6 + households * 0.4);
      const record: AuditRecord = {
        auditeeNumber: cadre.number,
        round: i % 5,
        placement: {
          town: cadre.town,
          area: cadre.area,
          village: cadre.village,
          unit: cadre.unit,
          industry: cadre.industry,
        },
        households: { sampled, reached, counted, confirmed, satisfied, outcomes: [], replaced: sampled - reached },
        satisfactionRateHundredths: counted === 0 ? null : Math.round((satisfied * 10_000) / counted),
        responseRateHundredths: Math.round((reached * 10_000) / sampled),
        judgesHundredths: judges,
        combinedHundredths: combined,
        tier: combined === null ? null : (tiers.find(([, min]) => combined >= min)?.[0] ?? '不合格'),
        replacedAuditees: [],
      };
      insert.run('cadre-household', cadre.number, audit.on, audit.event, audit.mode, canonicalJson(record));
    }
  })();
  return audits.length;
}
