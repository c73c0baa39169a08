import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type Options as AjvOptions } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { load } from 'js-yaml';
import type { FastifySchema } from 'fastify';
import { projectRoot } from '../project-root.js';

type Json = Record<string, any>;

export interface OpenApi {
  /** The document as written (served at /openapi.yaml). */
  text: string;
  /** The document with every local $ref inlined. */
  document: Json;
  /** Fastify request schemas (params, querystring, body) of one operation. */
  requestSchema(operationId: string): FastifySchema;
  /** The JSON schema of one operation's response for a status code, or null when it has none. */
  responseSchema(operationId: string, status: number): Json | null;
  /** Every `METHOD /path` the document declares, paths in OpenAPI form (`/v1/crawls/{id}`). */
  operations(): string[];
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export function loadOpenApi(path = join(projectRoot, 'openapi.yaml')): OpenApi {
  const text = readFileSync(path, 'utf8');
  const raw = load(text) as Json;
  const document = inlineRefs(raw, raw) as Json;

  const find = (operationId: string): { path: string; method: string; operation: Json } => {
    for (const [path, item] of Object.entries(document.paths as Json)) {
      for (const method of HTTP_METHODS) {
        if (item[method]?.operationId === operationId) return { path, method, operation: item[method] };
      }
    }
    throw new Error(`openapi.yaml has no operation ${operationId}`);
  };

  return {
    text,
    document,
    requestSchema(operationId) {
      const { operation } = find(operationId);
      const schema: FastifySchema = {};
      for (const location of ['path', 'query'] as const) {
        const parameters = ((operation.parameters ?? []) as Json[]).filter((p) => p.in === location);
        if (parameters.length === 0) continue;
        schema[location === 'path' ? 'params' : 'querystring'] = {
          type: 'object',
          additionalProperties: false,
          properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema])),
          required: parameters.filter((p) => p.required).map((p) => p.name),
        };
      }
      const body = operation.requestBody?.content?.['application/json']?.schema;
      if (body) schema.body = body;
      return schema;
    },
    responseSchema(operationId, status) {
      const response = find(operationId).operation.responses?.[String(status)];
      return response?.content?.['application/json']?.schema ?? null;
    },
    operations() {
      return Object.entries(document.paths as Json).flatMap(([path, item]) =>
        HTTP_METHODS.filter((method) => item[method]).map((method) => `${method.toUpperCase()} ${path}`),
      );
    },
  };
}

function inlineRefs(node: unknown, root: Json, seen: string[] = []): unknown {
  if (Array.isArray(node)) return node.map((child) => inlineRefs(child, root, seen));
  if (!node || typeof node !== 'object') return node;
  const ref = (node as Json).$ref;
  if (typeof ref === 'string') {
    if (!ref.startsWith('#/')) throw new Error(`openapi.yaml: only local $refs are supported, got ${ref}`);
    if (seen.includes(ref)) throw new Error(`openapi.yaml: $ref cycle through ${ref}`);
    const target = ref.slice(2).split('/').reduce<any>((value, key) => value?.[key], root);
    if (target === undefined) throw new Error(`openapi.yaml: unresolved $ref ${ref}`);
    return inlineRefs(target, root, [...seen, ref]);
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, inlineRefs(value, root, seen)]));
}

/** An ajv that understands the document's schemas (formats; OpenAPI's `example` keyword ignored). */
export function createAjv(options: AjvOptions = {}): Ajv {
  const ajv = new Ajv({ allErrors: false, removeAdditional: false, useDefaults: true, ...options });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'example' });
  return ajv;
}
