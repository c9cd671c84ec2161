// Pup runs `worker` scripts in a Deno worker; Paddock runs them with this Node.js.
import { createServer } from 'node:http';

const server = createServer((_req, res) => res.end('hello from the worker server\n'));
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`worker server on port ${process.env.PORT}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
