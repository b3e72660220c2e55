/**
 * A local fake of the part of GitHub's REST API the Action's pull request comment uses: listing an
 * issue's comments (paginated, 100 per page at most), creating one, editing one. It checks the token
 * and records every request.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

export interface FakeGitHub {
  apiUrl: string;
  /** Comments by issue (pull request) number. */
  comments: Map<number, FakeComment[]>;
  requests: string[];
  /** Answer every request with this status (e.g. 403, a fork's read-only token). */
  failWith?: number;
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let data = '';
    req.on('data', (chunk: Buffer) => (data += chunk.toString()));
    req.on('end', () => resolve(data));
  });

export async function startFakeGitHub(repository: string, token: string): Promise<FakeGitHub> {
  let nextId = 1000;
  const fake: FakeGitHub = { apiUrl: '', comments: new Map(), requests: [], close: async () => {} };
  const respond = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    fake.requests.push(`${req.method} ${url.pathname}${url.search}`);
    const body = await readBody(req);
    const send = (status: number, value: unknown) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(value));
    };
    if (fake.failWith) {
      send(fake.failWith, { message: 'Resource not accessible by integration' });
      return;
    }
    if (req.headers.authorization !== `Bearer ${token}`) {
      send(401, { message: 'Bad credentials' });
      return;
    }
    const prefix = `/repos/${repository}/issues/`;
    if (!url.pathname.startsWith(prefix)) {
      send(404, { message: 'Not Found' });
      return;
    }
    const rest = url.pathname.slice(prefix.length);
    const list = /^(\d+)\/comments$/.exec(rest);
    if (list) {
      const issue = Number(list[1]);
      const comments = fake.comments.get(issue) ?? [];
      if (req.method === 'GET') {
        const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
        const page = Number(url.searchParams.get('page') ?? 1);
        send(200, comments.slice((page - 1) * perPage, page * perPage));
        return;
      }
      if (req.method === 'POST') {
        const comment = {
          id: nextId++,
          body: (JSON.parse(body) as { body: string }).body,
          user: { login: 'github-actions[bot]', type: 'Bot' },
        };
        fake.comments.set(issue, [...comments, comment]);
        send(201, comment);
        return;
      }
    }
    const edit = /^comments\/(\d+)$/.exec(rest);
    if (edit && req.method === 'PATCH') {
      const comment = [...fake.comments.values()].flat().find((c) => c.id === Number(edit[1]));
      if (!comment) {
        send(404, { message: 'Not Found' });
        return;
      }
      comment.body = (JSON.parse(body) as { body: string }).body;
      send(200, comment);
      return;
    }
    send(404, { message: 'Not Found' });
  };
  const server = createServer((req, res) => void respond(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // idle keep-alive connections of fetch would hold close() open
    });
  return fake;
}
