import { describe, expect, it } from 'vitest';
import { localDateTime, localTime, parseTimeZone, timeZoneLabel, TimeZoneError } from './local-time';

describe('the county time zone', () => {
  it('prints a UTC instant as Beijing time', () => {
    expect(localDateTime('2026-11-18T18:47:50.123Z', 'Asia/Shanghai')).toBe('2026-11-19 02:47:50');
    expect(localTime('2026-11-18T11:47:50Z', 'Asia/Shanghai')).toBe('19:47:50');
  });

  it('prints another zone by its own offset', () => {
    expect(localTime('2026-11-18T11:47:50Z', 'Asia/Urumqi')).toBe('17:47:50');
    expect(localTime('2026-11-18T11:47:50Z', 'UTC')).toBe('11:47:50');
  });

  it('names the zone a record is printed in', () => {
    expect(timeZoneLabel('Asia/Shanghai')).toBe('北京时间（UTC+8）');
    expect(timeZoneLabel('Asia/Urumqi')).toBe('Asia/Urumqi（UTC+6）');
    expect(timeZoneLabel('UTC')).toBe('UTC（UTC）');
  });

  it('refuses a zone name Intl does not know', () => {
    expect(parseTimeZone('Asia/Shanghai')).toBe('Asia/Shanghai');
    expect(() => parseTimeZone('Beijing')).toThrow(TimeZoneError);
    expect(() => parseTimeZone('+08:00')).toThrow(TimeZoneError);
  });
});
