// The demo's release phase (migrations and the like): tf release runs it once per release.
console.log(`release phase for ${process.env.APP_NAME ?? 'demo'}: nothing to migrate`);
