// A periodic task: does its work and exits; the cron pattern starts it again.
console.log(`task ran at ${new Date().toISOString()}`);
