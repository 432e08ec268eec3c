/**
 * The public log's RFC 6962 Merkle tree over 10,000 leaves, for `npm run bench -- merkle`: the
 * tree head, an inclusion proof and a consistency proof, each timed (median of 7 after a warm-up)
 * and each checked with the verifier's own functions, so a fast wrong answer cannot pass.
 */
import { createHash } from 'node:crypto';
import {
  consistencyProof,
  inclusionProof,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../../server/verify/merkle';
import { below, judged, median, type BenchRecord } from './record';

const LEAVES = 10_000;
const RUNS = 7;

/** The median time of `RUNS` runs of `run` (after one warm-up run), and its last answer. */
function timed<T>(run: () => T): { ms: number; answer: T } {
  let answer = run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    answer = run();
    times.push(performance.now() - started);
  }
  return { ms: median(times), answer };
}

export function benchMerkle(records: BenchRecord[]): void {
  const leaves = Array.from({ length: LEAVES }, (_, i) => createHash('sha256').update(String(i)).digest('hex'));
  const count = LEAVES.toLocaleString('en');
  const root = timed(() => treeRoot(leaves));
  const index = 7_777;
  const inclusion = timed(() => inclusionProof(leaves, index, LEAVES));
  const fromSize = 6_789;
  const consistency = timed(() => consistencyProof(leaves, fromSize, LEAVES));
  if (!verifyInclusion(leaves[index] as string, index, LEAVES, inclusion.answer, root.answer)) {
    throw new Error('the bench inclusion proof does not verify');
  }
  const fromRoot = treeRoot(leaves.slice(0, fromSize));
  if (!verifyConsistency(fromSize, LEAVES, fromRoot, root.answer, consistency.answer)) {
    throw new Error('the bench consistency proof does not verify');
  }
  const goal = below(100, '< 100 ms');
  records.push(
    judged(
      { name: `public log (RFC 6962): tree head over ${count} leaves, median of ${RUNS}`, value: root.ms, unit: 'ms' },
      goal,
    ),
    judged(
      {
        name: `public log: inclusion proof of leaf ${index.toLocaleString('en')} in ${count}, median of ${RUNS}`,
        value: inclusion.ms,
        unit: 'ms',
      },
      goal,
    ),
    judged(
      {
        name: `public log: consistency proof ${fromSize.toLocaleString('en')} → ${count}, median of ${RUNS}`,
        value: consistency.ms,
        unit: 'ms',
      },
      goal,
    ),
  );
}
