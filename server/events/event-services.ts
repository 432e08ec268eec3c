import type { Db } from '../store/db';
import type { Clock, RandomBytes } from '../runtime';
import type { DrawService } from '../draws/draw-service';
import { ShowRunner } from '../live/show-runner';
import { SeatService } from '../judges/seat-service';
import { EventRepository } from './event-repository';
import { EventService } from './event-service';

/** The services around events, over one repository: the app and the command-line scripts wire them alike. */
export function buildEventServices(
  db: Db,
  draws: DrawService,
  clock: Clock,
  random: RandomBytes,
): { events: EventService; shows: ShowRunner; seats: SeatService } {
  const records = new EventRepository(db);
  const shows = new ShowRunner(db, records, draws, clock);
  const seats = new SeatService(db, records, clock, random);
  const events = new EventService(db, records, draws, shows, seats, clock, random);
  return { events, shows, seats };
}
