import { ERROR_CATALOGUE, type ErrorBody, type ErrorCode } from './protocol/errors';
import { findTextFaultIn, type TextMalformedDetails, type TextPlace } from './protocol/text-in-values';
import { TEXT_FAULT_LABEL } from './protocol/text-rules';

/** An expected refusal: carries a catalogue code, becomes the one error shape. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: unknown;

  constructor(code: ErrorCode, options: { message?: string; details?: unknown } = {}) {
    super(options.message ?? ERROR_CATALOGUE[code].message);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.details = options.details;
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

/**
 * Refuses a value holding a character the text rules refuse (server/protocol/text-rules.ts): the
 * one error shape, over HTTP and socket acks alike. The HTTP hook (server/http/strict-input.ts),
 * the socket handlers and the seal call it.
 */
export function refuseMalformedText(place: TextPlace, value: unknown, schema?: unknown): void {
  const found = findTextFaultIn(value, schema);
  if (!found) return;
  const label = TEXT_FAULT_LABEL[found.fault];
  const details: TextMalformedDetails = { part: place, ...found };
  throw new AppError('TEXT_MALFORMED', {
    message: `文字中含有不允许的字符：${label.includes(found.codePoint) ? label : `${label}（${found.codePoint}）`}，请删除后重试`,
    details,
  });
}
