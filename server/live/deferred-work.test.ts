import { connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DeferredWork } from './deferred-work';

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('deferred public work', () => {
  it('runs one job per turn of the event loop, in order', async () => {
    const ran: string[] = [];
    const work = new DeferredWork(() => undefined);
    for (const name of ['a', 'b', 'c']) work.add(() => ran.push(name));
    expect(ran).toEqual([]);
    await turn();
    expect(ran).toEqual(['a']);
    await turn();
    expect(ran).toEqual(['a', 'b']);
    await turn();
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(work.waiting).toBe(0);
  });

  it('lets a socket read that arrives during a burst be served before the rest of the burst', async () => {
    const order: string[] = [];
    const work = new DeferredWork(() => undefined);
    const server = createServer((connection) => connection.on('data', () => order.push('staff command')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;

    const client = connect(port, '127.0.0.1');
    await new Promise((resolve) => client.once('connect', resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // A burst of 50 slow public jobs; the staff command is written while the first one runs.
    for (let i = 0; i < 50; i += 1) {
      work.add(() => {
        if (i === 0) client.write('step');
        const until = performance.now() + 2;
        while (performance.now() < until); // a snapshot's serialisation
        order.push('public');
      });
    }
    await new Promise<void>((resolve) => {
      const check = () => (order.length === 51 ? resolve() : setTimeout(check, 5));
      check();
    });
    client.destroy();
    server.close();
    expect(order.indexOf('staff command')).toBeLessThan(10);
  });

  it('keeps running the queue when a job throws', async () => {
    const errors: unknown[] = [];
    const ran: string[] = [];
    const work = new DeferredWork((error) => errors.push(error));
    work.add(() => {
      throw new Error('gone');
    });
    work.add(() => ran.push('next'));
    await turn();
    await turn();
    expect(errors).toHaveLength(1);
    expect(ran).toEqual(['next']);
  });
});
