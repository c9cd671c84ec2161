console.log('watched script started; edit a file in this folder to restart it');
setInterval(() => {}, 60_000);
process.on('SIGTERM', () => process.exit(0));
