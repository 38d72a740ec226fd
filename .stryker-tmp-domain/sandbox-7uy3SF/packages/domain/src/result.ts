// @ts-nocheck
// The one place that imports the Result library, so swapping it touches one file.
export { Err, Ok, type Result } from 'ts-results-es';
