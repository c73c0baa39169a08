// The contract's types as the code uses them (contract-types.ts is generated from openapi.yaml), and the
// compile-time checks that the domain's own words and shapes say what openapi.yaml says: a change to either
// side without the other fails `tsc`, before any test runs. The domain keeps its lists (services/crawl
// imports nothing of the web layer); the checks live here, above both.
import type { components, operations } from './contract-types.js';
import type { CrawlStatus, DeadReason, LinkState, OutreachStatus, UnfollowedRel } from '../crawl/vocabulary.js';
import type { CrawlRequest, CrawlScope } from '../crawl/settings.js';
import type { LinkPosition } from '../crawl/link-context.js';
import type { ProspectSort } from '../store/prospects.js';
import type { TroubledEndpoint, WEBHOOK_EVENT_TYPES } from '../store/webhooks.js';
import type { QueueName } from '../queues.js';

/** An operationId of openapi.yaml. */
export type OperationId = keyof operations;

/** A schema of openapi.yaml's components by name. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

// An operation without path params, query or body has `path?: never` (reads as undefined): Fastify's
// default for an absent part is unknown.
type Part<T> = [Exclude<T, undefined>] extends [never] ? unknown : Exclude<T, undefined>;
type JsonBody<Op> = Op extends { requestBody: { content: { 'application/json': infer Body } } } ? Body : unknown;

/**
 * Fastify's route generic for an operation of openapi.yaml, by operationId: its path params, query string
 * and JSON body as the contract declares them (`app.get<Route<'listCrawls'>>`), the same operation whose
 * schemas validate the request (`openapi.requestSchema('listCrawls')`).
 */
export type Route<Id extends OperationId> = {
  Params: Part<operations[Id]['parameters']['path']>;
  Querystring: Part<operations[Id]['parameters']['query']>;
  Body: JsonBody<operations[Id]>;
};

type Query<Id extends OperationId> = Exclude<operations[Id]['parameters']['query'], undefined>;
type Present<T> = Exclude<T, undefined | null>;

// Equality of two unions of words, both ways. Not the usual generic-function identity trick: a mismatch
// resolves to the words only one side has, and tsc prints them under the name of the failing check.
type Same<Domain, Contract> = [Exclude<Domain, Contract>, Exclude<Contract, Domain>] extends [never, never]
  ? true
  : { onlyInDomain: Exclude<Domain, Contract>; onlyInContract: Exclude<Contract, Domain> };
type AllHold<Checks extends Record<string, true>> = Checks;
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/** Each vocabulary of services/crawl/vocabulary.ts against every enum of openapi.yaml that spells it. */
export type VocabulariesMatchContract = AllHold<{
  linkStateOfRecheck: Same<LinkState, Present<Present<Schema<'Prospect'>['recheck']>['verdict']>>;
  linkStateOfAdminVerdicts: Same<LinkState, Schema<'AdminCrawl'>['verdicts'][number]['verdict']>;
  deadReasonOfProspect: Same<DeadReason, Schema<'Prospect'>['reason']>;
  crawlStatusOfCrawl: Same<CrawlStatus, Schema<'Crawl'>['status']>;
  crawlStatusOfAdminFilter: Same<CrawlStatus, Present<Query<'adminListCrawls'>['status']>>;
  outreachStatusOfProspect: Same<OutreachStatus, Schema<'Prospect'>['status']>;
  outreachStatusOfUpdate: Same<OutreachStatus, Present<Schema<'ProspectUpdate'>['status']>>;
  outreachStatusOfBulkUpdate: Same<OutreachStatus, Present<Schema<'BulkProspectUpdate'>['status']>>;
  unfollowedRelsAreRelFlags: Same<UnfollowedRel, keyof Present<Schema<'Prospect'>['relFlags']>>;
}>;

/** Other domain and repository types that the contract spells out, where the code keeps its own. */
export type DomainTypesMatchContract = AllHold<{
  crawlScopeOfRequest: Same<CrawlScope, Present<Schema<'CreateCrawlRequest'>['scope']>>;
  crawlScopeOfCrawl: Same<CrawlScope, Schema<'Crawl'>['scope']>;
  linkPosition: Same<LinkPosition, Present<Schema<'Prospect'>['position']>>;
  prospectSort: Same<ProspectSort, components['parameters']['ProspectSort']>;
  queueName: Same<QueueName, components['parameters']['QueueName']>;
  troubledEndpointState: Same<TroubledEndpoint['state'], Schema<'TroubledEndpoint'>['state']>;
  webhookEventTypes: Same<(typeof WEBHOOK_EVENT_TYPES)[number], Schema<'WebhookEventType'>>;
  // The domain's CrawlRequest also takes null (no cap, the service default), so not equal: the same
  // fields, the same ones required, and every request the contract accepts is one crawlSettings takes.
  crawlRequestFields: Same<keyof CrawlRequest, keyof Schema<'CreateCrawlRequest'>>;
  crawlRequestRequiredFields: Same<RequiredKeys<CrawlRequest>, RequiredKeys<Schema<'CreateCrawlRequest'>>>;
  crawlRequestAcceptsContract: Schema<'CreateCrawlRequest'> extends CrawlRequest ? true : false;
}>;
