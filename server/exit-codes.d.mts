/** A setting is wrong (sysexits.h EX_CONFIG): the supervisor does not restart the server. */
export const EXIT_CONFIG: 78;
