import { enableCompileCache } from 'node:module'

// V8's code cache for the bundle and its chunks, kept in the OS temp directory (or NODE_COMPILE_CACHE): a later
// run on the same runner (the next step of a job, a self-hosted runner, act) skips parsing and compiling them.
// Only what is imported after this line is cached, so the rest of the action is loaded through import().
enableCompileCache()
const { run } = await import('./main.js')
await run()
