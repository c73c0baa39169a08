/**
 * What a person typed for each field of a request body, by the field's path in the body (`seeds.*` for
 * an item of an array). The API's validation names body fields; these put its messages back in the
 * words of the command line.
 */
export type FieldNames = Record<string, string>;

// ajv's wording of the limits a person can run into, in plainer words.
const PLAINER: [RegExp, (n: string, name: string) => string][] = [
  [/^must be <= (\S+)$/, (n, name) => `${name} must be at most ${n}`],
  [/^must be >= (\S+)$/, (n, name) => `${name} must be at least ${n}`],
  [/^must be < (\S+)$/, (n, name) => `${name} must be less than ${n}`],
  [/^must be > (\S+)$/, (n, name) => `${name} must be more than ${n}`],
  [/^must NOT have more than (\d+) characters$/, (n, name) => `${name} must be at most ${n} characters long`],
  [/^must NOT have fewer than (\d+) characters$/, (n, name) => `${name} must be at least ${n} characters long`],
  [/^must NOT have more than (\d+) items$/, (n, name) => `give at most ${n} ${name}`],
  [/^must NOT have fewer than (\d+) items$/, (n, name) => `give at least ${n} ${name}`],
  [/^must be integer$/, (_n, name) => `${name} must be a whole number`],
];

/**
 * The API's message about a field of the request body (`body.maxDepth must be <= 10`) in the words of
 * the command line (`--depth must be at most 10`); any other message as it is.
 */
export function inCliWords(message: string, names: FieldNames): string {
  const match = /^body\.(\S+) (.+)$/s.exec(message);
  if (!match) return message;
  const [, path, problem] = match as unknown as [string, string, string];
  const label = names[path.replace(/\.\d+(?=\.|$)/g, '.*')];
  if (!label) return message;
  const item = /\.(\d+)$/.exec(path);
  const name = item ? `${label} ${Number(item[1]) + 1}` : label;
  for (const [pattern, say] of PLAINER) {
    const limit = pattern.exec(problem);
    if (limit) return say(limit[1] ?? '', name);
  }
  return `${name} ${problem}`;
}
