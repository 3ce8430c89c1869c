// The floor for bench/upload-rss.ts: a bare Bun.serve that reads a request body and drops it —
// what any Bun process pays in RSS to receive the same upload. Prints its port.
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  maxRequestBodySize: 64 * 1024 ** 3,
  async fetch(request) {
    let bytes = 0;
    for await (const piece of request.body!) bytes += piece.byteLength;
    return Response.json({ bytes }, { status: 201 });
  },
});
console.log(server.port);
