/**
 * The show contract, in parts: events, the values of a round, the commands, the snapshot views,
 * judges' seats and the socket events. Server and UIs import it; the server validates every
 * payload from these schemas.
 */
export * from './events';
export * from './round';
export * from './show-commands';
export * from './show-views';
export * from './outlook';
export * from './judges';
export * from './show-socket';
export * from './air';
