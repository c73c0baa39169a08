/** What went wrong below HTTP, in the words the verdict logic decides on. */
export type FetchErrorCode =
  | 'dns_failure' // NXDOMAIN: the name does not exist
  | 'dns_temporary' // SERVFAIL, resolver timeout: try again later
  | 'blocked_address' // resolves to a non-public address
  | 'connection_refused'
  | 'connection_reset'
  | 'timeout'
  | 'tls'
  | 'too_many_redirects'
  | 'invalid_redirect'
  | 'headers_too_large'
  | 'protocol' // not parseable as HTTP
  | 'network'; // anything else below HTTP

const BY_CODE: Record<string, FetchErrorCode> = {
  ENOTFOUND: 'dns_failure',
  ENODATA: 'dns_failure',
  EAI_AGAIN: 'dns_temporary',
  ESERVFAIL: 'dns_temporary',
  ETIMEOUT: 'dns_temporary',
  ERR_BLOCKED_ADDRESS: 'blocked_address',
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  ERR_STREAM_PREMATURE_CLOSE: 'connection_reset',
  ETIMEDOUT: 'timeout',
  HPE_HEADER_OVERFLOW: 'headers_too_large',
  EPROTO: 'tls',
};

/** Maps a Node/got error to a FetchErrorCode and a short message fit for evidence. */
export function classifyNetworkError(error: unknown): { code: FetchErrorCode; message: string } {
  const code = String((error as { code?: unknown })?.code ?? '');
  const message = String((error as Error)?.message ?? error).slice(0, 300);
  // got's own time limit on the lookup is a resolver that did not answer, not a server.
  if (code === 'ETIMEDOUT' && (error as { event?: unknown })?.event === 'lookup') return { code: 'dns_temporary', message };
  const mapped = BY_CODE[code];
  if (mapped) return { code: mapped, message };
  if (code.startsWith('HPE_')) return { code: 'protocol', message };
  if (code.includes('CERT') || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.includes('SSL')) {
    return { code: 'tls', message };
  }
  return { code: 'network', message: code ? `${code}: ${message}` : message };
}
