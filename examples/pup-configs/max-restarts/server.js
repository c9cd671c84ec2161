// Exits at once: restart "always" brings it back until restartLimit is reached.
console.log('server starting, and failing');
process.exit(1);
