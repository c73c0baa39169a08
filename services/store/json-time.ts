/**
 * A timestamptz column as the API writes every time: ISO 8601 in UTC with milliseconds and `Z` (as
 * JSON.stringify writes a Date), for values built inside PostgreSQL with json_build_object, which would
 * otherwise write `2019-03-04T12:00:00+00:00`.
 */
export const isoTime = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
