#!/usr/bin/env node
// A committed launcher, so the bin exists (and is executable) before the build runs.
import '../dist/main.js';
