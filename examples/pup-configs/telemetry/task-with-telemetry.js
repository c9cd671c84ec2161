// Pup's telemetry example sends memory figures to Pup's REST API with @pup/telemetry;
// Paddock has no REST server for processes, so this task only reports to its log.
const { heapUsed } = process.memoryUsage();
console.log(`${process.env.PUP_PROCESS_ID}: heap ${Math.round(heapUsed / 1024)} kB`);
setTimeout(() => process.exit(0), 200);
