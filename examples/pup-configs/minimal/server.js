console.log(`forever running as ${process.env.PUP_PROCESS_ID}`);
setInterval(() => {}, 60_000);
process.on('SIGTERM', () => process.exit(0));
