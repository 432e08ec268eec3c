import type { StaffRole } from '../../server/protocol/auth';
import { rolesFor, type ShowCommandType } from '../../server/protocol/show-commands';

/**
 * The staff role whose console sends a command when a bench drives the show through the service:
 * the supervisor's for the entropy and the notary's secret (a format-2 draw refuses them from the
 * operator), the operator's for the rest.
 */
export const senderOf = (type: ShowCommandType): StaffRole =>
  rolesFor(type).includes('operator') ? 'operator' : 'supervisor';
