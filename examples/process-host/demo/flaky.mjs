// Demo process: works for a moment, then fails (exit code 1), so the status alerter has something to do.
console.log('flaky: working');
setTimeout(() => {
  console.error('flaky: lost the connection, giving up');
  process.exit(1);
}, 1500);
