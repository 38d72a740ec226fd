#!/usr/bin/env node
// A committed launcher, so the bin exists (and is executable) before the build runs.
import { main } from '../dist/main.js';

await main(process.argv.slice(2));
