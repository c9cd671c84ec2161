// Pup would run this three times behind a load balancer; Paddock runs one instance.
import { createServer } from 'node:http';

const server = createServer((_req, res) => res.end(`instance ${process.env.PUP_CLUSTER_INSTANCE ?? 0}\n`));
server.listen(0, '127.0.0.1', () => console.log(`cluster app on port ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
