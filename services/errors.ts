/** An error the API shows to its caller: a stable `code`, an HTTP status and a message that says what to fix. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (code: string, message: string) => new AppError(400, code, message);
export const unauthorized = (message: string) => new AppError(401, 'unauthorized', message);
export const forbidden = (code: string, message: string) => new AppError(403, code, message);
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);
export const conflict = (code: string, message: string) => new AppError(409, code, message);

/** A crawl that has ended cannot be cancelled: say so rather than answer as if it had been. */
export const crawlFinished = (crawl: { id: string; status: string }) =>
  conflict('crawl_finished', `crawl ${crawl.id} already ${crawl.status === 'completed' ? 'completed' : `ended (${crawl.status})`}: there is nothing to cancel`);
