console.log(`periodic task demo at ${new Date().toISOString()}`);
