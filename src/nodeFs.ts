// `import fs from 'node:fs'` in an ES module materialises every lazy export of fs
// (fs/promises, streams, readline…), which costs the hot verbs several ms of
// start-up. process.getBuiltinModule hands back the same module without that.
export const fs = process.getBuiltinModule('node:fs') as typeof import('node:fs');
