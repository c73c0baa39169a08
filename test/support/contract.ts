import type { Test } from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import { createAjv, loadOpenApi } from '../../services/web/openapi.js';

const openapi = loadOpenApi();
const ajv = createAjv();

/** Asserts the response's status and that its body matches openapi.yaml for that operation and status. */
export function assertContract(t: Test, operationId: string, response: LightMyRequestResponse, status: number): any {
  t.equal(response.statusCode, status, `${operationId} answers ${status}: ${response.body.slice(0, 300)}`);
  const schema = openapi.responseSchema(operationId, response.statusCode);
  if (!schema) {
    t.fail(`openapi.yaml documents no JSON ${response.statusCode} for ${operationId}`);
    return undefined;
  }
  const body = response.json();
  const validate = ajv.compile(schema);
  t.ok(validate(body), `${operationId} ${response.statusCode} body matches openapi.yaml: ${ajv.errorsText(validate.errors)}`);
  return body;
}
