import { TypeCompiler } from '@sinclair/typebox/compiler';
import { EntropyTypingSchema, type EntropyTyping } from '../protocol/show';
import { TokenBucket, type Rate } from './socket-limits';

const checkTyping = TypeCompiler.Compile(EntropyTypingSchema);

/**
 * A typist's pace with a wide margin: a key every 100 ms held for a while. Staff sockets are
 * otherwise unlimited, but this message is relayed to every viewer, so even a notary's is metered.
 */
export const TYPING_RATE: Rate = { burst: 40, perSecond: 10 };

/**
 * The notary's digits as they type them: relayed to the outputs and the public, never logged (the
 * logged `lockEntropy` is what counts). The last digits of each event are kept, so an output that
 * connects mid-typing shows them at once; they are dropped once the lock is no longer open.
 */
export class EntropyTypingRelay {
  private readonly typed = new Map<string, string>();

  constructor(
    private readonly open: (eventId: string) => boolean,
    private readonly relay: (eventId: string, typing: EntropyTyping) => void,
  ) {}

  /** One socket's limiter: each supervisor's socket has its own bucket. */
  static bucket(now: number): TokenBucket {
    return new TokenBucket(TYPING_RATE, now);
  }

  /** Handles one message; false when refused (malformed, over the rate, or the lock is not open). */
  received(eventId: string, message: unknown, bucket: TokenBucket, now: number): boolean {
    if (!bucket.take(now) || !checkTyping.Check(message)) return false;
    if (!this.open(eventId)) {
      this.typed.delete(eventId);
      return false;
    }
    const digits = message.digits.replace(/\s+/gu, '');
    this.typed.set(eventId, digits);
    this.relay(eventId, { digits });
    return true;
  }

  /** What an output connecting now should show (null: nothing typed, or the lock is done). */
  current(eventId: string): EntropyTyping | null {
    const digits = this.typed.get(eventId);
    if (digits === undefined) return null;
    if (!this.open(eventId)) {
      this.typed.delete(eventId);
      return null;
    }
    return { digits };
  }
}
