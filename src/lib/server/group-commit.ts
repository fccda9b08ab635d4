import type { Database, Queryable } from '../../../db/client.ts';

/**
 * Group commit. Every commit waits for the disk (`synchronous = FULL`: a writer told
 * "received" never loses the story), and that wait, not the work, bounds how many writes a
 * second one process can take. Writes queued in the same turn of the event loop share one
 * transaction and one sync. Each runs in its own savepoint, so one that throws is undone
 * alone; none is answered before the commit that holds it is on disk.
 */
interface QueuedWrite {
	work: (transaction: Queryable) => unknown;
	resolve: (value: unknown) => void;
	reject: (error: unknown) => void;
}

const queues = new WeakMap<Database, QueuedWrite[]>();

type Outcome = { done: true; value: unknown } | { done: false; error: unknown };

function commitQueued(database: Database): void {
	const queue = queues.get(database) ?? [];
	queues.delete(database);
	let outcomes: Outcome[];
	try {
		outcomes = database.transaction(
			(transaction) =>
				queue.map((write): Outcome => {
					try {
						return { done: true, value: transaction.transaction(write.work) };
					} catch (error) {
						// SQLite ends the whole transaction on some errors (a full disk, an I/O
						// error): then the writes before this one are gone too, and all must hear it.
						if (!database.$client.inTransaction) throw error;
						return { done: false, error };
					}
				}),
			{ behavior: 'immediate' },
		);
	} catch (error) {
		for (const write of queue) write.reject(error);
		return;
	}
	queue.forEach((write, index) => {
		const outcome = outcomes[index]!;
		if (outcome.done) write.resolve(outcome.value);
		else write.reject(outcome.error);
	});
}

/**
 * Runs `work` in a transaction shared with the other writes queued this turn, and settles
 * once that transaction is committed (or has failed). `work` must be synchronous and must
 * not keep the transaction handle.
 */
export function writeTogether<T>(
	database: Database,
	work: (transaction: Queryable) => T,
): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		let queue = queues.get(database);
		if (!queue) {
			queue = [];
			queues.set(database, queue);
			// After this turn's I/O callbacks: every request already read joins this commit.
			setImmediate(() => commitQueued(database));
		}
		queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
	});
}
