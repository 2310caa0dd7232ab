/** A fake Cloudflare API v4 (zones, dns_records list/get/patch/post) with one token, in the documented envelope. */
import type { ServerResponse } from 'node:http';
import { send, startHttpFake } from './http-fake.js';

export interface FakeRecord {
  id: string;
  type: string;
  name: string;
  content: string;
  proxied: boolean;
  ttl: number;
}

export async function startCloudflareServer(options: { token: string; zones: Record<string, string>; records: FakeRecord[] }) {
  const records = options.records;
  const ok = (res: ServerResponse, result: unknown) => send(res, 200, JSON.stringify({ success: true, errors: [], messages: [], result }), 'application/json');
  const fail = (res: ServerResponse, status: number, code: number, message: string) =>
    send(res, status, JSON.stringify({ success: false, errors: [{ code, message }], messages: [], result: null }), 'application/json');
  const fake = await startHttpFake((req, res) => {
    if (req.headers.authorization !== `Bearer ${options.token}`) return fail(res, 403, 10000, 'Authentication error');
    const m = req.path.match(/^\/zones(?:\/([^/]+)\/dns_records(?:\/([^/]+))?)?$/);
    if (!m) return fail(res, 404, 7003, 'Could not route');
    const [, zone, recordId] = m;
    if (!zone) {
      const name = req.query.get('name');
      const id = name ? options.zones[name] : undefined;
      return ok(res, id ? [{ id, name }] : []);
    }
    if (!Object.values(options.zones).includes(zone)) return fail(res, 404, 7003, 'No such zone');
    if (req.method === 'GET' && !recordId) {
      return ok(
        res,
        records.filter((r) => r.type === req.query.get('type') && r.name === req.query.get('name')),
      );
    }
    if (req.method === 'POST' && !recordId) {
      const body = JSON.parse(req.body) as Omit<FakeRecord, 'id'>;
      const record = { ...body, id: `rec${records.length + 1}` };
      records.push(record);
      return ok(res, record);
    }
    const record = records.find((r) => r.id === recordId);
    if (!record) return fail(res, 404, 81044, 'Record does not exist');
    if (req.method === 'GET') return ok(res, record);
    if (req.method === 'PATCH') {
      Object.assign(record, JSON.parse(req.body) as Partial<FakeRecord>);
      return ok(res, record);
    }
    fail(res, 405, 10000, 'Method not allowed');
  });
  return { ...fake, records };
}
