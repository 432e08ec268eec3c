/**
 * npm run rehearse: runs a whole show through the real HTTP and socket protocol, with simulated
 * call outcomes, as a rehearsal (演练) event, so real records stay untouched. Uses the server at
 * http://127.0.0.1:$PORT when one answers (log in with CHOUCHA_OPERATOR_PASSWORD and
 * CHOUCHA_SUPERVISOR_PASSWORD, or the passwords in data/initial-credentials.txt: the supervisor's
 * console locks the dice, as the notary's does on air), otherwise a temporary server of its own.
 * Writes the verification bundle and prints its path as the last line.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { buildApp, REPO_ROOT } from '../server/app';
import { loadDemoCounty } from '../server/demo/load-demo';
import { verifyBundle } from '../server/verify/bundle';
import { defaultPlan } from '../server/draw-engine/default-plan';
import type {
  ClientToServerEvents,
  CommandAck,
  EventSummary,
  ServerToClientEvents,
  ShowCommandBody,
  ShowSnapshot,
} from '../server/protocol/show';
import { rolesFor } from '../server/protocol/show-commands';

const port = Number(process.env.PORT ?? 3000);
/** `--pace SECONDS`: wait between steps, to watch the overlay (default: no wait). */
const paceArg = process.argv.indexOf('--pace');
const paceMs = paceArg >= 0 ? Math.max(0, Number(process.argv[paceArg + 1] ?? 2) * 1000) : 0;
const say = (text: string) => console.log(text);

async function serverAnswers(base: string): Promise<boolean> {
  try {
    const response = await fetch(`${base}/api/auth/me`, { signal: AbortSignal.timeout(1500) });
    return response.status === 401 || response.status === 200;
  } catch {
    return false;
  }
}

type Account = 'operator' | 'supervisor';

function knownPassword(account: Account): string | undefined {
  const variable = account === 'operator' ? 'CHOUCHA_OPERATOR_PASSWORD' : 'CHOUCHA_SUPERVISOR_PASSWORD';
  if (process.env[variable]) return process.env[variable];
  const file = join(REPO_ROOT, 'data', 'initial-credentials.txt');
  if (!existsSync(file)) return undefined;
  return new RegExp(`^${account}\\t(\\S+)$`, 'mu').exec(readFileSync(file, 'utf8'))?.[1];
}

async function login(base: string, username: Account, password: string | undefined): Promise<string> {
  if (!password) {
    const variable = username === 'operator' ? 'CHOUCHA_OPERATOR_PASSWORD' : 'CHOUCHA_SUPERVISOR_PASSWORD';
    throw new Error(`不知道${username === 'operator' ? '操作员' : '监督员'}密码：请设置 ${variable}`);
  }
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`登录失败（${response.status}）：${await response.text()}`);
  return (response.headers.get('set-cookie') ?? '').split(';')[0] as string;
}

async function main(): Promise<void> {
  let base = `http://127.0.0.1:${port}`;
  let password = knownPassword('operator');
  let supervisorPassword = knownPassword('supervisor');
  let stop = async () => {};
  if (await serverAnswers(base)) {
    say(`使用正在运行的服务器 ${base}（演练活动，不影响正式记录）`);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'choucha-rehearse-'));
    password = 'rehearsal-operator';
    supervisorPassword = 'rehearsal-supervisor';
    const app = await buildApp({
      dbPath: join(dir, 'rehearsal.db'),
      initialPasswords: { operator: password, supervisor: supervisorPassword },
    });
    say('没有正在运行的服务器：启动临时服务器并载入示范县（演练用）…');
    await loadDemoCounty(app.services.db, { now: new Date().toISOString(), cadres: 2000, teachers: 10 });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    stop = async () => app.close();
  }
  const cookie = await login(base, 'operator', password);
  const supervisorCookie = await login(base, 'supervisor', supervisorPassword);
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as T;
    if (!response.ok) throw new Error(`${method} ${path}：${JSON.stringify(json)}`);
    return json;
  };

  const today = new Date().toISOString().slice(0, 10);
  const draft = await api<EventSummary>('POST', '/api/events', {
    title: '演练：干部作风电视抽查',
    eventDate: today,
    venue: '演练',
    mode: 'televised',
    settings: {
      plan: defaultPlan(today, { auditees: { mode: 'total', count: 2 }, contactsPerAuditee: 3 }),
      reportMinutes: 5,
      rollSeconds: 4,
    },
  });
  const event = await api<EventSummary>('POST', `/api/events/${draft.id}/rehearsal`);
  say(`演练活动 ${event.id} 已封存（抽取 ${event.drawId}）`);
  const { overlayKey } = await api<{ overlayKey: string }>('GET', `/api/events/${event.id}`);
  say(
    `画面输出（OBS / vMix / CasparCG，1920×1080）：${base}/overlay?event=${event.id}&key=${encodeURIComponent(overlayKey)}`,
  );
  if (paceMs > 0) {
    say(`每步间隔 ${paceMs / 1000} 秒：现在可以在浏览器或 OBS 中打开上面的画面输出地址观看。`);
    await new Promise((r) => setTimeout(r, Math.max(paceMs, 3000)));
  }

  const connect = async (label: string, withCookie: string) => {
    const client: Socket<ServerToClientEvents, ClientToServerEvents> = io(base, {
      auth: { eventId: event.id, role: 'staff', label },
      extraHeaders: { cookie: withCookie },
      transports: ['websocket'],
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('connect_error', reject);
    });
    return client;
  };
  const socket = await connect('演练脚本', cookie);
  // The supervisor's console: the dice are the notary's to type and lock.
  const notary = await connect('演练脚本（监督员）', supervisorCookie);
  let latest: ShowSnapshot | undefined;
  socket.on('show:snapshot', (snapshot) => {
    if (!latest || snapshot.revision >= latest.revision) latest = snapshot;
  });
  const send = async (command: ShowCommandBody): Promise<void> => {
    for (let i = 0; !latest && i < 100; i += 1) await new Promise((r) => setTimeout(r, 10));
    const sender = rolesFor(command.type).includes('operator') ? socket : notary;
    const ack: CommandAck = await sender.timeout(5000).emitWithAck('show:command', {
      revision: latest?.revision ?? 0,
      idempotencyKey: randomUUID().replace(/-/gu, ''),
      command,
    });
    if (!ack.ok) throw new Error(`${command.type}：${ack.error.message}（${ack.error.code}）`);
    latest = await socket.timeout(5000).emitWithAck('show:sync');
    // Paced for watching: the roll and the reveal take their own time on air first.
    if (paceMs > 0) {
      const extra = command.type === 'drawAuditee' ? 5000 : command.type === 'revealScores' ? 6000 : 0;
      await new Promise((r) => setTimeout(r, paceMs + extra));
    }
  };

  await send({ type: 'open' });
  await send({
    type: 'lockEntropy',
    entropy: Array.from({ length: 20 }, () => String(1 + Math.floor(Math.random() * 6))).join(''),
  });
  await send({ type: 'reveal' });
  const satisfactions = ['满意', '基本满意', '满意', '不满意'] as const;
  for (let round = 0; round < 2; round += 1) {
    await send({ type: 'drawAuditee' });
    await send({ type: 'presentAuditee' });
    const auditee = latest?.rounds[round]?.auditee;
    say(`第 ${round + 1} 轮：${auditee?.number} ${auditee?.name}（${auditee?.unit}）`);
    await send({ type: 'startReport' });
    await send({ type: 'endReport' });
    await send({ type: 'drawHouseholds' });
    const households = latest?.rounds[round]?.households ?? [];
    const unreachable = households[0]?.number;
    if (unreachable) {
      await send({ type: 'setCallStatus', household: unreachable, callStatus: '未接通' });
      await send({ type: 'replaceHousehold', household: unreachable, reason: 'NO_ANSWER' });
    }
    for (const [i, h] of (latest?.rounds[round]?.households.filter((x) => !x.replaced) ?? []).entries()) {
      await send({ type: 'setCallStatus', household: h.number, callStatus: '已接通' });
      await send({
        type: 'recordOutcome',
        household: h.number,
        outcome: '属实',
        satisfaction: satisfactions[i % satisfactions.length] ?? '满意',
      });
    }
    await send({ type: 'openJudging' });
    // Nobody scores in a scripted rehearsal: the lock names every seat it does not wait for, as the desk's confirmation does.
    const seats = latest?.outlook?.main?.seatsMissing ?? [];
    await send({ type: 'lockJudging', without: seats });
    await send({ type: 'revealScores' });
    await send({ type: 'showResult' });
  }
  await send({ type: 'close' });
  socket.disconnect();
  notary.disconnect();

  const bundleResponse = await fetch(`${base}/api/draws/${event.drawId}/bundle`);
  const bundleText = await bundleResponse.text();
  const report = verifyBundle(JSON.parse(bundleText));
  const path = join(
    process.env.CHOUCHA_REHEARSAL_DIR ?? mkdtempSync(join(tmpdir(), 'choucha-bundle-')),
    `choucha-bundle-${event.drawId}.json`,
  );
  writeFileSync(path, bundleText);
  say(`演练完成：${latest?.revision} 步，验证包${report.ok ? '验证通过' : '验证未通过'}。`);
  await stop();
  if (!report.ok) process.exitCode = 1;
  console.log(path);
}

main().catch((error: unknown) => {
  console.error(`演练失败：${(error as Error).message}`);
  process.exit(1);
});
