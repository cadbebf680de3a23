// bench/run's local HTTP server for the I/O-bound workload: every GET is answered "ok" after 50 ms
// (a timer, no CPU), keep-alive on. Listens on 127.0.0.1, a free port, printed as "listening PORT".
import { createServer } from 'node:http';

const DELAY_MS = Number(process.argv[2] ?? 50);
const server = createServer((req, res) => {
  req.resume();
  setTimeout(() => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
    res.end('ok');
  }, DELAY_MS);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
process.on('SIGTERM', () => process.exit(0));
