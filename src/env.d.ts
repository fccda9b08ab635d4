/// <reference types="astro/client" />

declare namespace App {
	interface Locals {
		/** The signed-in moderator, or null for everyone else (set by the middleware). */
		moderator: import('./lib/server/session').ModeratorIdentity | null;
		moderatorSession: import('./lib/server/session').ModeratorSession | null;
		/** The address per-address limits key on (client-address.ts); never logged or stored. */
		clientAddress: string;
	}
}
