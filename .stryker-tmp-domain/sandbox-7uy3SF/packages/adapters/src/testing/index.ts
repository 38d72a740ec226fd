/**
 * `@renueva/adapters/testing`: helpers for tests of the adapters and of the transports
 * built on them. The in-memory ports, fakes and contract suites are in
 * `@renueva/domain/testing`.
 */
export { freshPostgresUrl, requirePostgres } from './postgres.js';
export { type StubbedEmail, startPostmarkStub } from './postmark-stub.js';
