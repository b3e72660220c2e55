import type { Server } from 'node:http';

export function serveDirectory(dir: string, port?: number): Promise<{ server: Server; url: string }>;
