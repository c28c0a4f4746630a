// A tiny order service for flows/order-status.json, on 127.0.0.1 only, no dependencies:
//   node examples/order-service.js            (port 4000, or PORT=...)
// GET /api/orders/<number> needs "Authorization: Bearer <ORDERS_TOKEN>" (default "demo-token") and
// answers 200 {"id", "status", "delivery": {"eta"}} for a known order, 404 for an unknown one, and 503
// for order 5000 (a pretend outage). Every request is printed on one line, the token masked.
const http = require('node:http');

const port = Number(process.env.PORT ?? 4000);
const token = process.env.ORDERS_TOKEN ?? 'demo-token';
const orders = {
  1001: { status: 'shipped', delivery: { eta: '2026-12-03' } },
  1002: { status: 'processing', delivery: {} },
  1003: { status: 'delivered', delivery: { eta: '2026-11-28' } },
};

function answer(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = http.createServer((req, res) => {
  const auth = req.headers.authorization === `Bearer ${token}` ? 'token ok' : 'no token';
  console.log(`${req.method} ${req.url} (${auth})`);
  if (auth !== 'token ok') return answer(res, 401, { error: 'unauthorized' });
  const match = /^\/api\/orders\/([^/?]+)$/.exec(req.url ?? '');
  if (req.method !== 'GET' || !match) return answer(res, 404, { error: 'no such endpoint' });
  const id = decodeURIComponent(match[1]);
  if (id === '5000') return answer(res, 503, { error: 'the order database is down for maintenance' });
  const order = orders[id];
  if (!order) return answer(res, 404, { error: `no order ${id}` });
  return answer(res, 200, { id: Number(id), ...order });
});

server.listen(port, '127.0.0.1', () => console.log(`order service on http://127.0.0.1:${server.address().port}`));
process.on('SIGINT', () => server.close(() => process.exit(0)));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
