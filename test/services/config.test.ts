import t from 'tap';
import { ConfigError, loadConfig } from '../../services/config.js';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message;
  }
};

t.test('the defaults of the verdict and lookup settings', async (t) => {
  const config = loadConfig({});
  t.equal(config.retry.refusedWindowMs, 90_000, 'a refused connection is dead after 90 s of refusals');
  t.equal(config.archive.url, 'https://web.archive.org');
  t.equal(config.rdap.url, 'https://rdap.org');
  t.equal(loadConfig({ ARCHIVE_URL: 'http://wayback.internal:8080/', RDAP_URL: 'https://rdap.internal/' }).archive.url, 'http://wayback.internal:8080', 'no trailing slash');
  t.equal(loadConfig({ ARCHIVE_URL: 'off' }).archive.url, null, 'ARCHIVE_URL=off: no archive lookups');
});

t.test('a renamed or bad setting stops the start with a message that says what to set', async (t) => {
  t.match(problemsOf({ ARCHIVE_API_URL: 'https://archive.org/wayback/available' }), /ARCHIVE_API_URL is no longer read: set ARCHIVE_URL/);
  t.match(problemsOf({ RDAP_URL: 'ftp://rdap.example' }), /RDAP_URL/);
  t.match(problemsOf({ REFUSED_WINDOW_MS: '-1' }), /REFUSED_WINDOW_MS/);
});
