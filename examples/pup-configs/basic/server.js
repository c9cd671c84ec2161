// A small HTTP server kept alive by the host (restart: always).
import { createServer } from 'node:http';

const server = createServer((_req, res) => res.end(`hello from ${process.env.PUP_PROCESS_ID} (TZ ${process.env.TZ})\n`));
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`server listening on port ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
