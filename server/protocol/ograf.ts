import { GRAPHIC_LABEL, isRoundGraphic, type Graphic } from './round';

/**
 * choucha's graphics published as EBU OGraf v1 graphics (docs/ograf.md): the list, the data an
 * OGraf controller passes to `load()` and `updateAction()`, the custom actions, and the manifest of
 * each. The build writes the manifests from here, the server lists them (the read-only part of the
 * OGraf Server API) and the graphics' module reads the same list, so they cannot disagree.
 */

/** What a published graphic draws: one of the overlay's graphics. */
export type OgrafContent = Graphic;

export interface OgrafGraphic {
  /** The OGraf id, also the graphic's folder name ('/' is not allowed in an OGraf id). */
  readonly id: string;
  readonly content: OgrafContent;
  /** What a controller's list shows under the name. */
  readonly description: string;
}

/**
 * Every published graphic, one entry each: adding a graphic to OGraf is one line here (and the
 * overlay's GraphicView must draw it, as it must for the overlay page). tests/ograf-manifests.test.ts
 * checks that every overlay graphic is listed.
 */
export const OGRAF_GRAPHICS = [
  { id: 'choucha-opening', content: 'opening', description: '开场卡：活动名称、抽取范围、名单池人数和封存承诺值。' },
  {
    id: 'choucha-entropy',
    content: 'entropy',
    description: '公开随机数：公证员掷出的骰子数字，锁定前随输入实时显示。',
  },
  {
    id: 'choucha-roll',
    content: 'roll',
    description: '摇号：按服务器时间滚动，落在本轮抽中的人员上，递补时划去并换人。',
  },
  {
    id: 'choucha-auditee',
    content: 'auditee',
    description: '人员字幕条：本轮抽中人员的编号、姓名、单位职务和所在网格。',
  },
  {
    id: 'choucha-countdown',
    content: 'countdown',
    description: '述职倒计时：按服务器计时实时走动，暂停、延时与导播台一致。',
  },
  {
    id: 'choucha-households',
    content: 'households',
    description: '入户核实：本轮抽中的联系户（已脱敏）和电话核实结果。',
  },
  {
    id: 'choucha-judges',
    content: 'judges',
    description: '评委评分：公布时逐席亮分、去掉最高最低分，再显示最后得分。',
  },
  { id: 'choucha-result', content: 'result', description: '本轮结果：得分、等次和核实情况。' },
  { id: 'choucha-summary', content: 'summary', description: '本场汇总：各轮人员、得分与等次。' },
  { id: 'choucha-bug', content: 'bug', description: '角标：活动名称、日期和直播／演练标记。' },
  { id: 'choucha-strap', content: 'strap', description: '字幕条：导播台输入的文字（在字幕条层播出或预览时）。' },
  { id: 'choucha-ticker', content: 'ticker', description: '滚动字幕：导播台输入的文字，按服务器时间匀速滚动。' },
  { id: 'choucha-slate', content: 'slate', description: '全屏垫片：稍后继续、技术故障等导播台输入的文字。' },
  {
    id: 'choucha-testcard',
    content: 'testcard',
    description: '测试卡：彩条、灰阶、标题与动作安全区、输出名称和分辨率。',
  },
  { id: 'choucha-verify-qr', content: 'verifyQr', description: '核验二维码：公开核验页的二维码与网址。' },
] as const satisfies readonly OgrafGraphic[];

export type OgrafGraphicId = (typeof OGRAF_GRAPHICS)[number]['id'];

/** What a graphic is called in Chinese (the overlay's own label). */
export const ografLabel = (content: OgrafContent): string => GRAPHIC_LABEL[content];

/** The name a controller shows for a graphic. */
export const ografName = (content: OgrafContent): string => `choucha · ${ografLabel(content)}`;

/** Graphics that show one round: the controller may pin a round, else the current one is shown. */
export const ografShowsRound = (content: OgrafContent): boolean => isRoundGraphic(content);

/** play: on (step 0), then stop: off. What a graphic shows comes live from the server, not from steps. */
export const OGRAF_STEP_COUNT = 1;

export const OGRAF_SCHEMA_URL = 'https://ograf.ebu.io/v1/specification/json-schemas/graphics/schema.json';
/** Each graphic's module, beside its manifest in the graphic's folder. */
export const OGRAF_MAIN = 'graphic.mjs';
export const ografManifestFile = (id: string): string => `${id}.ograf.json`;

/**
 * What `load({ data })` and `updateAction({ data })` carry (every field optional; an update names
 * only what changes). The output's credentials are today the event and its overlay key (the event's
 * 画面输出 addresses on the console carry both); a stable output channel (`channel` + `key`) plugs in
 * beside them here and in `ografCredentials` below.
 */
export interface OgrafData {
  /** The choucha server's origin; empty or absent: the origin the graphic's module was loaded from. */
  server?: string;
  event?: string;
  key?: string;
  /** 1-based round to show; 0 or absent: the current (latest) round. */
  round?: number;
}

const LIMITS = { server: 200, event: 64, key: 128, round: 999 } as const;

/** The `schema` (GDD) of a graphic's manifest: what an OGraf controller builds its form from. */
export function ografDataSchema(content: OgrafContent): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    server: {
      type: 'string',
      gddType: 'single-line',
      title: 'choucha 服务器地址',
      description: '例如 http://192.168.1.10:3000。留空：用加载本图形的服务器。',
      maxLength: LIMITS.server,
      default: '',
      hidden: true,
      order: 1,
    },
    event: {
      type: 'string',
      gddType: 'single-line',
      title: '活动编号',
      description: '操作台“画面输出”地址里的 event=…',
      maxLength: LIMITS.event,
      default: '',
      hidden: true,
      order: 2,
    },
    key: {
      type: 'string',
      gddType: 'single-line',
      title: '画面输出密钥',
      description: '操作台“画面输出”地址里的 key=…（只读，只能看画面）',
      maxLength: LIMITS.key,
      default: '',
      hidden: true,
      order: 3,
    },
  };
  if (ografShowsRound(content)) {
    properties.round = {
      type: 'integer',
      title: '轮次',
      description: '0：当前轮（随直播进程切换）；1、2……：固定显示该轮。',
      minimum: 0,
      maximum: LIMITS.round,
      default: 0,
      order: 4,
    };
  }
  return { type: 'object', properties, patternProperties: { '^v_': {} }, additionalProperties: false };
}

/** Custom actions every choucha graphic answers. */
export const OGRAF_CUSTOM_ACTIONS = [
  {
    id: 'sync',
    name: '重新同步',
    description: '重新连接 choucha 服务器，取最新画面状态并重新对时。',
    schema: null,
  },
] as const;
export type OgrafCustomActionId = (typeof OGRAF_CUSTOM_ACTIONS)[number]['id'];

/** A graphic's `*.ograf.json`, as the build writes it and the server lists it. */
export function ografManifest(graphic: OgrafGraphic, version: string): Record<string, unknown> {
  return {
    $schema: OGRAF_SCHEMA_URL,
    id: graphic.id,
    version,
    name: ografName(graphic.content),
    description: graphic.description,
    author: { name: 'choucha 摇号抽查' },
    main: OGRAF_MAIN,
    supportsRealTime: true,
    supportsNonRealTime: false,
    stepCount: OGRAF_STEP_COUNT,
    schema: ografDataSchema(graphic.content),
    customActions: OGRAF_CUSTOM_ACTIONS,
    // Drawn for 1920×1080 and scaled to any other size; no internet needed (fonts come from the server).
    renderRequirements: [{ resolution: { width: { ideal: 1920 }, height: { ideal: 1080 } } }],
    v_choucha: { content: graphic.content },
  };
}

/**
 * What the graphics answer an OGraf controller besides a plain 200, in its statusMessage (shown in
 * the controller, never on air).
 */
export const OGRAF_STATUS = {
  realtimeOnly: '只支持实时渲染（realtime）',
  loadedTwice: '已经加载过',
  notLoaded: '请先调用 load()',
  noSuchStep: '没有这一步',
  noSuchAction: '没有这个自定义动作',
  noCredentials: '还没有填活动编号和画面输出密钥：画面为空',
  refused: '连接被拒绝',
  notReached: '还没连上 choucha 服务器，连上后即显示',
  waitingForState: '等待 choucha 服务器的画面状态',
  waitingForRound: '这一轮还没有内容，有了即显示',
} as const;

export type OgrafDataResult = { ok: true; data: OgrafData } | { ok: false; message: string };

/**
 * Reads the data a controller sent, as the manifest's schema declares it: unknown fields (other
 * than vendors' `v_…`) and wrong types are refused, never guessed. A missing `data` is empty.
 */
export function parseOgrafData(data: unknown, content: OgrafContent): OgrafDataResult {
  if (data === undefined || data === null) return { ok: true, data: {} };
  if (typeof data !== 'object' || Array.isArray(data)) return { ok: false, message: 'data 应为对象' };
  const out: OgrafData = {};
  for (const [name, value] of Object.entries(data)) {
    if (name.startsWith('v_')) continue;
    if (name === 'server' || name === 'event' || name === 'key') {
      if (typeof value !== 'string' || value.length > LIMITS[name]) {
        return { ok: false, message: `${name} 应为不超过 ${LIMITS[name]} 个字符的文字` };
      }
      if (name === 'server' && value !== '' && !isOrigin(value)) {
        return { ok: false, message: 'server 应为 http:// 或 https:// 开头的服务器地址（不带路径）' };
      }
      out[name] = value;
    } else if (name === 'round' && ografShowsRound(content)) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > LIMITS.round) {
        return { ok: false, message: `round 应为 0 到 ${LIMITS.round} 的整数` };
      }
      out.round = value;
    } else {
      return { ok: false, message: `不认识的字段：${name}` };
    }
  }
  return { ok: true, data: out };
}

function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && text.replace(/\/$/u, '') === url.origin;
  } catch {
    return false;
  }
}

/**
 * The output's credentials from the data, or null while they are incomplete. Here a stable output
 * channel (`{ channel, key }` instead of `{ event, key }`) plugs in once the server accepts it.
 */
export function ografCredentials(data: OgrafData): { eventId: string; key: string } | null {
  if (!data.event || !data.key) return null;
  return { eventId: data.event, key: data.key };
}
