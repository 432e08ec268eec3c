import type { FastifyInstance } from 'fastify';
import type { DrawPlan } from '../../server/protocol/draw';
import { defaultPlan } from '../../server/draw-engine/default-plan';

export const DEMO_PLAN: DrawPlan = defaultPlan('2026-11-26');

/** Seals a draw and runs a whole ceremony through the service, with one replacement of each kind. */
export function runDemoDraw(app: FastifyInstance, plan: DrawPlan = DEMO_PLAN): string {
  const draws = app.services.draws;
  const { drawId } = draws.seal({ title: '示范县干部作风电视抽查', plan }, 'operator');
  draws.command(drawId, { type: 'lockEntropy', entropy: '62415336124566123452' }, 'supervisor', 'supervisor');
  draws.command(drawId, { type: 'reveal' }, 'operator');
  let view = draws.command(drawId, { type: 'drawAuditees' }, 'operator');
  const first = view.auditeeStages?.[0]?.selections[0]?.number as string;
  view = draws.command(drawId, { type: 'replaceAuditee', number: first, reason: 'LEAVE' }, 'operator');
  const active = (view.auditeeStages?.[0]?.selections ?? []).filter((s) => !s.replaced);
  for (const s of active) view = draws.command(drawId, { type: 'drawContacts', auditeeNumber: s.number }, 'operator');
  const stage = view.contactStages[0];
  draws.command(
    drawId,
    {
      type: 'replaceContact',
      auditeeNumber: stage?.auditeeNumber as string,
      contactNumber: stage?.selections[0]?.number as string,
      reason: 'NO_ANSWER',
    },
    'operator',
  );
  return drawId;
}
