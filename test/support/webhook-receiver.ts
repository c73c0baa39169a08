import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedCall {
  path: string;
  id: string;
  type: string;
  data: any;
  verified: boolean;
  answered: number;
}

/**
 * A webhook receiver on loopback that checks every call with the Standard Webhooks library, as an
 * outreach tool would. `answer` decides the status per path ('hang' never answers).
 */
export async function startReceiver() {
  const calls: ReceivedCall[] = [];
  const secrets = new Map<string, string>();
  let answer: (path: string) => number | 'hang' = () => 200;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      let verified = false;
      try {
        new Webhook(secrets.get(path) ?? '').verify(body, req.headers as Record<string, string>);
        verified = true;
      } catch {
        verified = false;
      }
      const status = answer(path);
      const parsed = JSON.parse(body || '{}');
      calls.push({ path, id: String(req.headers['webhook-id']), type: parsed.type, data: parsed.data, verified, answered: status === 'hang' ? 0 : status });
      if (status !== 'hang') res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'thanks' : 'not now');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    calls,
    /** The URL of a path on the receiver, under the host name the fake resolver maps to loopback. */
    url: (path: string) => `http://hooks.test:${port}${path}`,
    verifyWith(path: string, secret: string) {
      secrets.set(path, secret);
    },
    answerWith(fn: (path: string) => number | 'hang') {
      answer = fn;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
