import { AccountService } from './auth/account-service';
import { accountRoutes } from './auth/account-routes';
import { programsOf, registerProgramScope } from './auth/program-scope';
import { DEFAULT_TIME_ZONE, parseTimeZone } from './local-time/local-time';
import { FollowupService } from './followups/followup-service';
import { followupRoutes } from './followups/routes';
import { ReportService } from './reports/report-service';
import { reportRoutes } from './reports/routes';
import { CountyReportService } from './reports/county-report-service';
import { countyReportRoutes } from './reports/county-routes';
import { JudgeReviewService } from './reports/judge-review-service';
import { judgeReviewRoutes } from './reports/judge-review-routes';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import { openDatabase, type Db } from './store/db';
import { systemClock, systemRandom, type Clock, type RandomBytes } from './runtime';
import { ensureBuiltinPrograms } from './registry/programs';
import { RegistryService } from './registry/registry-service';
import { registryRoutes } from './registry/routes';
import { programRoutes } from './registry/program-routes';
import { AuthService } from './auth/auth-service';
import { authRoutes } from './auth/routes';
import { registerErrorHandling } from './http/error-handler';
import { listenOrigin } from './http/public-url';
import { redactUrl, registerSecurity } from './http/security';
import { registerStrictInput, STRICT_AJV } from './http/strict-input';
import { DeferredSchemas } from './http/deferred-schemas';
import { uiRoutes } from './http/ui-routes';
import { ografRoutes } from './http/ograf-routes';
import type { DrawService } from './draws/draw-service';
import { openDraws } from './draws/open-draws';
import type { PublicLogService } from './public-log/public-log-service';
import { drawRoutes } from './draws/routes';
import { publicLogRoutes } from './public-log/routes';
import type { EventService } from './events/event-service';
import { buildEventServices } from './events/event-services';
import { eventRoutes } from './events/routes';
import type { SeatService } from './judges/seat-service';
import { seatRoutes } from './judges/routes';
import type { ShowRunner } from './live/show-runner';
import { showRoutes } from './live/routes';
import { attachRealtime } from './live/realtime';
import type { RealtimeLimits } from './live/socket-limits';
import type { AccountRole } from './protocol/auth';
import { DEFAULT_MAX_FILE_BYTES } from './registry/import/import-files';
import { FollowService } from './channels/follow-service';
import { channelRoutes } from './channels/routes';
import { ChannelService } from './channels/channel-service';
import { VenueSeats } from './channels/venue-seats';
import { ControlService, type ControlLimits } from './control/control-service';
import { controlRoutes } from './control/routes';
import { attachControlSocket } from './control/control-socket';
import { FanoutPool, type FanoutEntry } from './fanout/fanout-pool';
import type { PublicRelay } from './fanout/public-relay';
import type { RedisLink } from './fanout/redis-link';
import { REALTIME_LIMITS } from './live/socket-limits';

export interface AppOptions {
  /** SQLite file; created and migrated when missing. */
  dbPath: string;
  clock?: Clock;
  random?: RandomBytes;
  logger?: boolean;
  /** Where the log goes when `logger` is on (default stdout); tests read it back. */
  logStream?: { write: (line: string) => void };
  /** Where the Vite build lives (defaults to dist/ at the repository root). */
  distDir?: string;
  /** Passwords for the operator and supervisor accounts, used only when they are first created. */
  initialPasswords?: Partial<Record<AccountRole, string>>;
  maxUploadBytes?: number;
  /** Set the Secure flag on session cookies (behind HTTPS). */
  secureCookies?: boolean;
  /** How often connected outputs are pinged for the operator's monitor. */
  presencePingMs?: number;
  /** The origin every link, QR code and bulletin is built on (CHOUCHA_PUBLIC_URL, validated by parsePublicUrl). */
  publicUrl?: string;
  /** The county's IANA time zone for printed records, exports and reports (default Asia/Shanghai). */
  timeZone?: string;
  /** Without `publicUrl`: the host links use with the bound port (default the bound address itself). */
  linkHost?: string;
  /**
   * Where the county's vault and signing keys live, outside the database file (default: CHOUCHA_KEY_DIR,
   * else `keys/` beside the database; see server/keys/county-keys.ts).
   */
  keyDir?: string;
  /** Socket rate limits (default REALTIME_LIMITS); the bench's thousands of viewers share one address. */
  socketLimits?: RealtimeLimits;
  /** The control API's rate limits (default CONTROL_LIMITS). */
  controlLimits?: ControlLimits;
  /**
   * Public viewers on fan-out processes behind Redis (CHOUCHA_FANOUT=N): the primary hands each
   * viewer's connection to one of them and publishes every public frame once. Without it, one process.
   */
  fanout?: { processes: number; redisUrl: string; entry?: FanoutEntry; hungMs?: number };
}

/** Public fan-out as running: the relay's view of the processes, and the pool the primary started. */
export interface FanoutServices {
  relay: PublicRelay;
  pool: FanoutPool;
  redisUrl: string;
}

export interface AppServices {
  db: Db;
  auth: AuthService;
  /** The administrator's accounts and their log. */
  accounts: AccountService;
  registry: RegistryService;
  draws: DrawService;
  /** The county's public log of every sealed draw (signed tree heads, proofs). */
  publicLog: PublicLogService;
  events: EventService;
  /** The live shows of sealed events (commands, snapshots, logs, bundles). */
  shows: ShowRunner;
  seats: SeatService;
  reports: ReportService;
  /** The county view (县级总览) across programs and departments. */
  county: CountyReportService;
  /** The judges' report (supervisors only). */
  judgeReviews: JudgeReviewService;
  followups: FollowupService;
  /** Which event the installation's output channels and venue seats follow. */
  follow: FollowService;
  /** The output channels, each with one permanent link and key. */
  channels: ChannelService;
  /** The venue's judges' seats, bound to the same seats of the followed event. */
  venue: VenueSeats;
  /** Control surfaces (Companion / Stream Deck): tokens, the call log, commands on the followed event. */
  control: ControlService;
  clock: Clock;
  random: RandomBytes;
  /** The county's time zone (validated): what records and exports print times in; logs keep UTC. */
  timeZone: string;
  /** Accounts created with a generated password by this build, to be shown once. */
  generatedAccounts: { username: string; role: AccountRole; password: string }[];
  /** Every HTTP route the app serves (the authorization tests classify each one). */
  routes: { method: string; url: string }[];
  /** The origin links are built on: configured, else the listen address; never a request's Host. */
  publicBase: () => string;
  /** Null when public viewers are served by this process. */
  fanout: FanoutServices | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    services: AppServices;
  }
}

/** The folder holding package.json above `from`: server/ from source, dist/server/ once compiled. */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
export const REPO_ROOT = packageRoot(import.meta.dirname);
/** The fan-out process's script beside this one: TypeScript through tsx from source, the build's JS when compiled. */
const FANOUT_ENTRY: FanoutEntry = import.meta.url.endsWith('.ts')
  ? { script: join(import.meta.dirname, 'fanout', 'main.ts'), execArgv: ['--import', 'tsx'] }
  : { script: join(import.meta.dirname, 'fanout', 'main.js'), execArgv: ['--enable-source-maps'] };
/** The version the OGraf manifests carry (the build writes the same one). */
const PACKAGE_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;

/** The primary's end of public fan-out, when asked for: Redis, the relay, and the fan-out processes. */
async function startFanout(
  options: AppOptions,
  { shows, events }: { shows: ShowRunner; events: EventService },
  log: (message: string) => void,
): Promise<(FanoutServices & { link: RedisLink }) | null> {
  if (!options.fanout) return null;
  // Loaded with fan-out only: Redis's client and its adapter would add 0.1 s to every start.
  const [{ openRedisLink, survivesRedisOutages }, { PublicRelay }] = await Promise.all([
    import('./fanout/redis-link'),
    import('./fanout/public-relay'),
  ]);
  const { processes, redisUrl, entry = FANOUT_ENTRY, hungMs } = options.fanout;
  survivesRedisOutages(log);
  const link = openRedisLink(redisUrl, log);
  const relay = new PublicRelay(link, {
    // As the primary admits a viewer: the event must exist and be sealed (a draft has no show).
    snapshot: (eventId) => {
      events.event(eventId);
      shows.revision(eventId);
      return shows.snapshot(eventId, 'public');
    },
    showNow: () => shows.now(),
  });
  const limits = options.socketLimits ?? REALTIME_LIMITS;
  const pool = new FanoutPool({ processes, redisUrl, entry, limits, log, ...(hungMs ? { hungMs } : {}) });
  return { relay, pool, redisUrl, link };
}

/** Builds the whole server: database, services, HTTP routes, UI. `main.ts` only listens. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? systemRandom;
  const timeZone = parseTimeZone(options.timeZone ?? DEFAULT_TIME_ZONE);
  const db = openDatabase(options.dbPath);
  ensureBuiltinPrograms(db);
  const auth = new AuthService(db, clock, random);
  const generatedAccounts = await auth.ensureUsers(options.initialPasswords ?? {});
  const accounts = new AccountService(db, auth, clock, random);
  const programOf = programsOf(db);
  const registry = new RegistryService(db);
  const { draws, publicLog } = openDraws(db, { dbPath: options.dbPath, keyDir: options.keyDir, clock, random });
  const { events, shows, seats } = buildEventServices(db, draws, clock, random);
  const reports = new ReportService(db);
  const county = new CountyReportService(db, clock);
  const judgeReviews = new JudgeReviewService(db, shows);
  const followups = new FollowupService(db, events, clock);
  const follow = new FollowService(db, events, clock);
  const channels = new ChannelService(db, clock, random);
  channels.ensureFirstChannels();
  // Before the realtime layer: the venue seats' keys move on a switch before the sockets do.
  const venue = new VenueSeats(db, events, seats, follow, clock, random);
  const control = new ControlService(db, shows, follow, clock, random, options.controlLimits);
  const maxUploadBytes = options.maxUploadBytes ?? DEFAULT_MAX_FILE_BYTES;

  const schemas = new DeferredSchemas();
  const app = Fastify({
    logger: options.logger
      ? {
          level: 'info',
          ...(options.logStream ? { stream: options.logStream } : {}),
          serializers: { req: (request) => ({ method: request.method, url: redactUrl(request.url) }) },
        }
      : false,
    bodyLimit: 1024 * 1024,
    // Nothing coerced, unknown fields refused (VALIDATION_FAILED), URL integers as decimal digits.
    ajv: STRICT_AJV,
    // Compiled on first use, not before listening: a restarted server is back on air sooner.
    schemaController: { compilersFactory: schemas.compilersFactory },
  });
  app.addHook('onListen', () => schemas.compileRestSoon());
  const routes: AppServices['routes'] = [];
  const fanout = await startFanout(options, { shows, events }, (message) => app.log.warn(message));
  const publicBase = () => options.publicUrl ?? listenOrigin(app.server.address(), options.linkHost);
  shows.usePublicBase(publicBase);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  app.decorate('services', {
    db,
    auth,
    accounts,
    registry,
    draws,
    publicLog,
    events,
    shows,
    seats,
    reports,
    county,
    judgeReviews,
    followups,
    follow,
    channels,
    venue,
    control,
    clock,
    random,
    timeZone,
    generatedAccounts,
    routes,
    publicBase,
    fanout,
  });
  const realtime = attachRealtime(
    app.server,
    {
      shows,
      events,
      seats,
      channels,
      follow,
      venue,
      limits: options.socketLimits,
      publicRelay: fanout?.relay,
      programOf,
    },
    auth,
    app.log,
    options.presencePingMs,
  );
  const controlSocket = attachControlSocket(app.server, control, app.log);
  // Last: it goes in front of socket.io's and the control API's upgrade listeners.
  fanout?.pool.attach(app.server);
  app.addHook('onClose', async () => {
    await controlSocket.close();
    await realtime.close();
    if (fanout) {
      await fanout.pool.close();
      await fanout.relay.close();
      await fanout.link.close();
    }
    db.close();
  });
  registerErrorHandling(app);
  registerSecurity(app);
  registerStrictInput(app);
  registerProgramScope(app, programOf);
  await app.register(fastifyCookie);
  await app.register(fastifyMultipart, { limits: { fileSize: maxUploadBytes, files: 10, fields: 10 } });
  await app.register(authRoutes(auth, accounts, { secureCookies: options.secureCookies ?? false }));
  await app.register(accountRoutes(accounts, auth));
  await app.register(programRoutes(db, auth, clock));
  await app.register(
    registryRoutes({ db, registry, auth, clock, maxUploadBytes, refuseImportNow: () => events.refuseImportOnAir() }),
  );
  await app.register(drawRoutes(draws, auth, (drawId) => shows.bundle(drawId)));
  await app.register(eventRoutes(events, auth, publicBase));
  await app.register(publicLogRoutes(publicLog));
  await app.register(
    showRoutes(
      shows,
      events,
      auth,
      publicBase,
      (drawId) => ({ draw: draws.view(drawId), keyId: publicLog.keyId() }),
      timeZone,
      programOf,
    ),
  );
  await app.register(seatRoutes(seats, events, auth, publicBase));
  await app.register(reportRoutes(reports, auth));
  await app.register(countyReportRoutes(county, auth));
  await app.register(judgeReviewRoutes(judgeReviews, auth));
  await app.register(followupRoutes(followups, auth));
  await app.register(
    channelRoutes({ follow, channels, venue, connections: realtime.channelConnections, publicBase }, auth),
  );
  await app.register(controlRoutes(control, auth));
  await app.register(uiRoutes(options.distDir ?? join(REPO_ROOT, 'dist')));
  await app.register(ografRoutes(options.distDir ?? join(REPO_ROOT, 'dist'), PACKAGE_VERSION));
  return app;
}
