// Demo process: a line every second until it is asked to stop.
let n = 0;
const timer = setInterval(() => console.log(`tick ${++n}`), 1000);
console.log(`ticker started (pid ${process.pid})`);
process.on('SIGTERM', () => {
  clearInterval(timer);
  console.log(`ticker stopping after ${n} ticks`);
});
