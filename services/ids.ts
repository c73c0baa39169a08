const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a caller-given id can be a uuid: anything else is answered 404 without asking PostgreSQL. */
export const isUuid = (value: unknown): boolean => typeof value === 'string' && UUID.test(value);
