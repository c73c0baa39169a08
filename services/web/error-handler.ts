import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

// Fastify's own 4xx errors, renamed to stable codes of ours.
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
};
// Connectivity failures of PostgreSQL or Redis: the request may be retried later.
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', '57P03']);

/** One error body everywhere: `{code, message}`; 5xx details go to the log, never to the caller. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      return reply.status(error.statusCode).send({ code: error.code, message: error.message });
    }
    if (error.validation) {
      return reply.status(400).send({ code: 'invalid_request', message: validationMessage(error) });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      const code = FASTIFY_CODES[error.code] ?? 'bad_request';
      return reply.status(error.statusCode).send({ code, message: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    const unavailable = UNAVAILABLE_CODES.has(String(error.code)) || /Connection is closed|connect/i.test(error.message);
    return unavailable
      ? reply.status(503).send({ code: 'service_unavailable', message: 'a backing service is unreachable; retry later' })
      : reply.status(500).send({ code: 'internal_error', message: 'internal server error' });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );
}

function validationMessage(error: FastifyError): string {
  const first = error.validation![0]!;
  const where = `${error.validationContext ?? 'request'}${first.instancePath.replace(/\//g, '.')}`;
  const params = first.params as Record<string, unknown>;
  switch (first.keyword) {
    case 'additionalProperties':
      return `${where} has an unknown field '${params.additionalProperty}'`;
    case 'required':
      return `${where} is missing the required field '${params.missingProperty}'`;
    case 'enum':
      return `${where} must be one of: ${(params.allowedValues as unknown[]).join(', ')}`;
    default:
      return `${where} ${first.message}`;
  }
}
