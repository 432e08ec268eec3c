/**
 * The county's time zone: printed records, exports and reports give times as the county reads
 * them (北京时间 by default), while the log, the bundle and the verifier keep UTC. Pure: the zone
 * is a parameter, the instant an ISO string or epoch milliseconds.
 */

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export class TimeZoneError extends Error {}

/** An IANA zone name (Asia/Shanghai, Asia/Urumqi, UTC) as Intl knows it; anything else is refused. */
export function parseTimeZone(name: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    throw new TimeZoneError(`CHOUCHA_TIME_ZONE 不是有效的时区名：${name}（例如 Asia/Shanghai）`);
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(timeZone: string, at: Date): Record<string, string> {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    });
    formatters.set(timeZone, format);
  }
  return Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
}

/** 2026-12-03 19:47:50 in the zone (a record's line, a spreadsheet cell). */
export function localDateTime(at: string | number, timeZone: string): string {
  const p = partsIn(timeZone, new Date(at));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** 19:47:50 in the zone (a log line within one day's record). */
export function localTime(at: string | number, timeZone: string): string {
  const p = partsIn(timeZone, new Date(at));
  return `${p.hour}:${p.minute}:${p.second}`;
}

/** What a heading says the times are in: 北京时间（UTC+8） for Asia/Shanghai, else the zone and offset. */
export function timeZoneLabel(timeZone: string, at: string | number = 0): string {
  // longOffset reads GMT+08:00, GMT+05:30 or GMT (some engines: GMT+00:00).
  const offset = (partsIn(timeZone, new Date(at)).timeZoneName ?? 'GMT').replace(/^GMT([+-]00:00)?/u, 'UTC');
  const utc = offset.replace(/:00$/u, '').replace(/([+-])0(\d)/u, '$1$2');
  return timeZone === DEFAULT_TIME_ZONE ? `北京时间（${utc}）` : `${timeZone}（${utc}）`;
}
