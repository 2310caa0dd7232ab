#!/usr/bin/env node
// Thin launcher: the bot runs as compiled JavaScript (built by `npm ci` via the prepare script).
import { main } from '../dist/src/main.js';

main(process.argv.slice(2), process.env).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
