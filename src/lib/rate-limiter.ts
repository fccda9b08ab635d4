export interface RateLimitDecision {
	allowed: boolean;
	/** When the caller may try again (only meaningful when refused). */
	retryAt: Date;
}

const MOST_KEYS = 10_000;

/**
 * Fixed-window counters: at most `limit` events per `windowMs` for each key. State is
 * kept in memory only (a restart forgets it, which errs on the side of the user).
 */
export class FixedWindowRateLimiter {
	readonly #windows = new Map<string, { startedAt: number; count: number }>();
	readonly #limit: number;
	readonly #windowMs: number;
	readonly #now: () => number;

	constructor(options: { limit: number; windowMs: number; now?: () => number }) {
		this.#limit = options.limit;
		this.#windowMs = options.windowMs;
		this.#now = options.now ?? Date.now;
	}

	/** Counts one event for `key` if the window still has room, and says whether it may proceed. */
	take(key: string): RateLimitDecision {
		const now = this.#now();
		this.#forgetExpired(now);
		let window = this.#windows.get(key);
		if (!window || now - window.startedAt >= this.#windowMs) {
			window = { startedAt: now, count: 0 };
			this.#windows.set(key, window);
		}
		const retryAt = new Date(window.startedAt + this.#windowMs);
		if (window.count >= this.#limit) return { allowed: false, retryAt };
		window.count += 1;
		return { allowed: true, retryAt };
	}

	/** Whether `key` has used up its window, without counting anything. */
	check(key: string): RateLimitDecision {
		const now = this.#now();
		const window = this.#windows.get(key);
		if (!window || now - window.startedAt >= this.#windowMs) {
			return { allowed: true, retryAt: new Date(now + this.#windowMs) };
		}
		return {
			allowed: window.count < this.#limit,
			retryAt: new Date(window.startedAt + this.#windowMs),
		};
	}

	/** Forgets `key` (a successful sign-in clears its failures). */
	reset(key: string): void {
		this.#windows.delete(key);
	}

	/**
	 * Keeps memory bounded: windows that have ended hold nothing worth keeping, and past
	 * 10,000 live keys the oldest windows go too (a flood of new keys cannot grow the map).
	 */
	#forgetExpired(now: number): void {
		if (this.#windows.size < MOST_KEYS) return;
		for (const [key, window] of this.#windows) {
			if (now - window.startedAt >= this.#windowMs) this.#windows.delete(key);
		}
		for (const key of this.#windows.keys()) {
			if (this.#windows.size < MOST_KEYS) break;
			this.#windows.delete(key);
		}
	}
}
