/**
 * A worker thread of the seeder (seed-library.ts): makes one batch of synthetic story rows
 * per message. Rendering Markdown and deriving listings is most of the seeding time, so it
 * runs here, on every core, while the main thread writes the previous batch.
 */
import { parentPort } from 'node:worker_threads';
import { syntheticStoryRows } from './synthetic-stories.ts';

export type SeedBatchRequest = Parameters<typeof syntheticStoryRows>[0];

parentPort!.on('message', (request: SeedBatchRequest) => {
	parentPort!.postMessage(syntheticStoryRows(request));
});
