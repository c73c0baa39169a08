import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../deps.js';
import { isUuid } from '../../ids.js';
import { badRequest, notFound } from '../../errors.js';
import { crawlSettings, type CrawlRequest, type CrawlSettings } from '../../crawl/settings.js';
import { parseSchedule, presentSchedule, type Schedule, type ScheduleRequest } from '../../crawl/schedule.js';
import { deleteWatch, findRun, findWatch, insertWatch, lastRuns, listRuns, listWatches, updateWatch, type Watch } from '../../store/watches.js';
import { crawlDiff } from '../../store/prospect-history.js';
import { decodeCursor, encodeCursor, isCreatedCursor } from '../../web/cursor.js';
import { validateSeeds } from '../seeds.js';
import type { Route } from '../../web/contract.js';

const isSlotCursor = (value: unknown): value is { slotAt: string } =>
  typeof (value as { slotAt: string })?.slotAt === 'string' && !Number.isNaN(Date.parse((value as { slotAt: string }).slotAt));

export async function watchRoutes(app: FastifyInstance, { runtime, openapi }: RouteDeps) {
  const { db, guard, queues, config } = runtime;

  const scheduleOf = (request: ScheduleRequest): Schedule => {
    const schedule = parseSchedule(request, config.watchMinIntervalMs);
    if (typeof schedule === 'string') throw badRequest('invalid_schedule', `schedule: ${schedule}`);
    return schedule;
  };
  const settingsOf = async (request: CrawlRequest): Promise<CrawlSettings> => crawlSettings(request, await validateSeeds(request.seeds, guard));
  const watchOf = async (accountId: string, id: string): Promise<Watch> => {
    const watch = isUuid(id) ? await findWatch(db, { accountId }, id) : null;
    if (!watch) throw notFound('watch');
    return watch;
  };
  // The job scheduler follows the row: a watch that is not paused has one, with its schedule. Should
  // Redis be away, the row stands and the reconciler creates the scheduler once Redis is back.
  const syncScheduler = async (watch: Watch) => {
    try {
      if (watch.paused) await queues.unscheduleWatch(watch.id);
      else await queues.scheduleWatch(watch.id, watch.schedule);
    } catch (error) {
      app.log.warn({ err: error, watchId: watch.id }, 'could not update the job scheduler; the reconciler will');
    }
  };
  // Watches as the API shows them, their last runs read together.
  const presentAll = async (watches: Watch[]) => {
    const last = await lastRuns(db, watches.map((watch) => watch.id));
    return Promise.all(watches.map(async ({ accountId: _accountId, cursorKey: _cursorKey, settings, schedule, ...watch }) => {
      const nextRunAt = watch.paused ? null : await queues.nextRunOf(watch.id).catch(() => null);
      return { ...watch, crawl: settings, schedule: presentSchedule(schedule), nextRunAt, lastRun: last.get(watch.id) ?? null };
    }));
  };
  const present = async (watch: Watch) => (await presentAll([watch]))[0]!;

  app.post<Route<'createWatch'>>('/v1/watches', { schema: openapi.requestSchema('createWatch') }, async (request, reply) => {
    const body = request.body;
    const schedule = scheduleOf(body.schedule);
    const settings = await settingsOf(body.crawl as CrawlRequest);
    const id = await insertWatch(db, request.accountId, { name: body.name ?? settings.seeds[0]!, settings, schedule, paused: body.paused ?? false });
    const watch = await watchOf(request.accountId, id);
    await syncScheduler(watch);
    return reply.status(201).send(await present(watch));
  });

  app.get<Route<'listWatches'>>('/v1/watches', { schema: openapi.requestSchema('listWatches') }, async (request) => {
    const limit = request.query.limit ?? 50;
    const before = request.query.cursor ? decodeCursor(request.query.cursor, isCreatedCursor) : undefined;
    const rows = await listWatches(db, { accountId: request.accountId }, { limit: limit + 1, before });
    const items = rows.slice(0, limit);
    const last = rows.length > limit ? items[items.length - 1]! : null;
    return { items: await presentAll(items), nextCursor: last ? encodeCursor({ createdAt: last.cursorKey, id: last.id }) : null };
  });

  app.get<Route<'getWatch'>>('/v1/watches/:id', { schema: openapi.requestSchema('getWatch') }, async (request) =>
    present(await watchOf(request.accountId, request.params.id)),
  );

  app.patch<Route<'updateWatch'>>('/v1/watches/:id', { schema: openapi.requestSchema('updateWatch') }, async (request) => {
    const { id } = request.params;
    const before = await watchOf(request.accountId, id);
    const { name, paused } = request.body;
    const schedule = request.body.schedule ? scheduleOf(request.body.schedule) : undefined;
    const settings = request.body.crawl ? await settingsOf(request.body.crawl as CrawlRequest) : undefined;
    await updateWatch(db, request.accountId, id, { name, paused, schedule, settings });
    const watch = await watchOf(request.accountId, id);
    // Only a change of schedule or of paused touches the scheduler: an interval's scheduler starts a run
    // whenever it is created anew.
    if (schedule || watch.paused !== before.paused) await syncScheduler(watch);
    return present(watch);
  });

  app.delete<Route<'deleteWatch'>>('/v1/watches/:id', { schema: openapi.requestSchema('deleteWatch') }, async (request, reply) => {
    const { id } = request.params;
    if (!isUuid(id) || !(await deleteWatch(db, request.accountId, id))) throw notFound('watch');
    await queues.unscheduleWatch(id).catch((error) => app.log.warn({ err: error, watchId: id }, 'could not remove the job scheduler; the reconciler will'));
    return reply.status(204).send();
  });

  app.get<Route<'listWatchRuns'>>('/v1/watches/:id/runs', { schema: openapi.requestSchema('listWatchRuns') }, async (request) => {
    const watch = await watchOf(request.accountId, request.params.id);
    const limit = request.query.limit ?? 50;
    const before = request.query.cursor ? decodeCursor(request.query.cursor, isSlotCursor).slotAt : undefined;
    const rows = await listRuns(db, watch.id, { limit: limit + 1, before });
    const items = rows.slice(0, limit);
    const last = rows.length > limit ? items[items.length - 1]! : null;
    return { items, nextCursor: last ? encodeCursor({ slotAt: new Date(last.slotAt).toISOString() }) : null };
  });

  app.get<Route<'getWatchRun'>>('/v1/watches/:id/runs/:runId', { schema: openapi.requestSchema('getWatchRun') }, async (request) => {
    const watch = await watchOf(request.accountId, request.params.id);
    const run = isUuid(request.params.runId) ? await findRun(db, watch.id, request.params.runId) : null;
    if (!run) throw notFound('run');
    const diff = run.crawlId ? await crawlDiff(db, run.crawlId) : { new: [], reopened: [], gone: [], revived: [] };
    return { ...run, diff };
  });
}
