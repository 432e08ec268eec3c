/**
 * The public log's RFC 6962 Merkle tree over 10,000 leaves, for `npm run bench -- merkle`: the
 * tree head, an inclusion proof and a consistency proof, each timed and each checked with the
 * verifier's own functions, so a fast wrong answer cannot pass. Beside them, the floor: the same
 * SHA-256 over the tree's interior nodes and nothing else. The four take turns, run after run, so
 * a busy moment of the shared machine slows them alike.
 */
import { createHash } from 'node:crypto';
import { sha256 } from '../../server/draw-engine/sha256';
import {
  consistencyProof,
  inclusionProof,
  treeRoot,
  verifyConsistency,
  verifyInclusion,
} from '../../server/verify/merkle';
import { below, judged, median, type BenchRecord } from './record';

const LEAVES = 10_000;
const RUNS = 9;

const time = (run: () => unknown): number => {
  const started = performance.now();
  run();
  return performance.now() - started;
};

export function benchMerkle(records: BenchRecord[]): void {
  const leaves = Array.from({ length: LEAVES }, (_, i) => createHash('sha256').update(String(i)).digest('hex'));
  const count = LEAVES.toLocaleString('en');
  const index = 7_777;
  const fromSize = 6_789;
  const root = treeRoot(leaves);
  if (!verifyInclusion(leaves[index] as string, index, LEAVES, inclusionProof(leaves, index, LEAVES), root)) {
    throw new Error('the bench inclusion proof does not verify');
  }
  const fromRoot = treeRoot(leaves.slice(0, fromSize));
  if (!verifyConsistency(fromSize, LEAVES, fromRoot, root, consistencyProof(leaves, fromSize, LEAVES))) {
    throw new Error('the bench consistency proof does not verify');
  }
  // A tree of n leaves has n − 1 interior nodes, each SHA-256(0x01 ‖ left ‖ right) of 65 bytes; a
  // tree head cannot hash fewer, and each proof hashes almost as many for its siblings' subtrees.
  const node = new Uint8Array(65);
  const hashing = () => {
    for (let i = 1; i < LEAVES; i += 1) sha256(node);
  };
  const runs = { floor: [] as number[], root: [] as number[], inclusion: [] as number[], consistency: [] as number[] };
  for (let run = 0; run <= RUNS; run += 1) {
    const floor = time(hashing);
    const head = time(() => treeRoot(leaves));
    const inclusion = time(() => inclusionProof(leaves, index, LEAVES));
    const consistency = time(() => consistencyProof(leaves, fromSize, LEAVES));
    if (run === 0) continue; // the warm-up
    runs.floor.push(floor);
    runs.root.push(head);
    runs.inclusion.push(inclusion);
    runs.consistency.push(consistency);
  }
  const floor = median(runs.floor);
  records.push({
    name: `SHA-256 of the ${(LEAVES - 1).toLocaleString('en')} interior nodes alone (the same sha256), median of ${RUNS}`,
    value: floor,
    unit: 'ms',
  });
  const row = (name: string, times: number[]): BenchRecord => {
    const value = median(times);
    return judged(
      { name, value, unit: 'ms', baseline: { name: 'hashing alone', value: floor }, ratio: value / floor },
      below(100, '< 100 ms'),
    );
  };
  records.push(
    row(`public log (RFC 6962): tree head over ${count} leaves, median of ${RUNS}`, runs.root),
    row(
      `public log: inclusion proof of leaf ${index.toLocaleString('en')} in ${count}, median of ${RUNS}`,
      runs.inclusion,
    ),
    row(
      `public log: consistency proof ${fromSize.toLocaleString('en')} → ${count}, median of ${RUNS}`,
      runs.consistency,
    ),
  );
}
