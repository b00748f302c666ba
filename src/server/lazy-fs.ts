/**
 * node:fs/promises for the routes that read files (the dashboard's assets, task output logs),
 * loaded at the first such request: loading it takes ~3 ms, which serve's way to READY=1 (and
 * the requests waiting in the socket's backlog during a restart) need not wait for.
 */

/** The node:fs/promises module, loaded on first use. */
export const fsPromises = (): Promise<typeof import('node:fs/promises')> => import('node:fs/promises');
