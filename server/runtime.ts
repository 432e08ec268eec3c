import { randomBytes } from 'node:crypto';

/** The app's sources of time and randomness, injected so tests can fix them. */
export type Clock = () => Date;
export type RandomBytes = (size: number) => Buffer;

export const systemClock: Clock = () => new Date();
export const systemRandom: RandomBytes = (size) => randomBytes(size);
